package io.sirsi.nexus.api.security;

import io.smallrye.config.ConfigMapping;
import java.util.Map;

/** API keys, under {@code sirsi.auth}. Every key is listed in the README. */
@ConfigMapping(prefix = "sirsi.auth")
public interface AuthConfig {

    /**
     * API keys by name, each {@code <role>:<sha256-hex of the key>}, e.g.
     * {@code sirsi.auth.keys.ci-runner=writer:9f86d0...}. None configured: no key is needed, and only clients on
     * this machine are answered (protected mode).
     */
    Map<String, String> keys();
}
