package io.sirsi.nexus.api.security;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys, under {@code sirsi.auth}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.auth")
public interface AuthConfig {

    /**
     * API keys by name, each {@code <role>:<sha256-hex of the key>}, e.g.
     * {@code sirsi.auth.keys.ci-runner=writer:9f86d0...}. None configured: no key is needed, and only clients on
     * this machine are answered (protected mode).
     */
    Map<String, String> keys();

    /**
     * In protected mode, the names besides loopback ones ({@code localhost}, {@code *.localhost}, 127.0.0.0/8,
     * {@code [::1]}) by which requests may address the registry in their {@code Host}, e.g. this machine's name;
     * any other is refused as a DNS rebinding would look (as Jupyter's {@code local_hostnames}).
     */
    Optional<List<String>> localHostNames();
}
