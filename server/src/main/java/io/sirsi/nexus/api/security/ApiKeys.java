package io.sirsi.nexus.api.security;

import io.quarkus.runtime.Startup;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.security.identity.SecurityIdentity;
import io.sirsi.nexus.registry.Hosts;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configured API keys. Only SHA-256 hashes are configured, so the configuration (a Kubernetes Secret, an
 * environment variable) never holds a usable key; a presented key is hashed and compared in constant time.
 * Read at start-up, so that a malformed entry stops the registry with a message naming it.
 */
@Startup
@Singleton
public class ApiKeys {

    /** Identity attribute holding the name of the API key that authenticated the request. */
    public static final String KEY_NAME = "sirsi.api-key-name";
    /** Identity attribute of an {@code agent} key: the set of hosts it may report for. */
    public static final String AGENT_HOSTS = "sirsi.agent-hosts";

    private static final String CONFIG_PREFIX = "sirsi.auth.keys.";
    private static final String HEX_SHA256 = "[0-9a-fA-F]{64}";

    private final List<ApiKey> keys;

    /** One configured key: its name, role and the SHA-256 of its secret. */
    record ApiKey(String name, Role role, byte[] sha256, Set<String> hosts) {
    }

    public ApiKeys(AuthConfig config) {
        this.keys = parse(config.keys());
    }

    /** Whether any key is configured; without one the registry is in protected mode. */
    public boolean configured() {
        return !keys.isEmpty();
    }

    /**
     * The identity of the key whose hash matches, if any. Every configured hash is compared, each in constant
     * time, so the time taken says nothing about which key, or how much of one, matched.
     */
    public Optional<SecurityIdentity> identify(String presented) {
        byte[] hash = sha256(presented);
        ApiKey match = null;
        for (ApiKey key : keys) {
            if (MessageDigest.isEqual(key.sha256(), hash)) {
                match = key;
            }
        }
        return Optional.ofNullable(match).map(ApiKeys::identity);
    }

    /** The SHA-256 of a key as lowercase hex: what goes into {@code sirsi.auth.keys.<name>}. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static SecurityIdentity identity(ApiKey key) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(key.name()))
                .addRoles(key.role().granted()).addAttribute(KEY_NAME, key.name())
                .addAttribute(AGENT_HOSTS, key.hosts()).build();
    }

    private static List<ApiKey> parse(Map<String, String> configured) {
        List<ApiKey> keys = new ArrayList<>();
        Map<String, String> byHash = new TreeMap<>();
        new TreeMap<>(configured).forEach((name, value) -> {
            String[] parts = value.trim().split(":", 3);
            Optional<Role> role = Role.parse(parts[0].trim());
            if (role.equals(Optional.of(Role.AGENT))) {
                if (parts.length != 3 || !parts[1].trim().matches(HEX_SHA256) || agentHosts(parts[2]).isEmpty()) {
                    throw new IllegalArgumentException(CONFIG_PREFIX + name + " must be agent:<sha256-hex of the"
                            + " key>:<host>[,<host>...], naming the hosts the agent may report for, e.g."
                            + " agent:$(printf %s \"$KEY\" | sha256sum | cut -d' ' -f1):node-a; the value given is not"
                            + " of that form");
                }
            } else if (parts.length != 2 || role.isEmpty() || !parts[1].trim().matches(HEX_SHA256)) {
                // The value is not echoed: a key pasted here by mistake must not end up in a log.
                throw new IllegalArgumentException(CONFIG_PREFIX + name + " must be <role>:<sha256-hex of the key>"
                        + " with role metrics, reader, writer or admin and 64 hex digits, e.g."
                        + " writer:$(printf %s \"$KEY\" | sha256sum | cut -d' ' -f1); the value given is not of that"
                        + " form");
            }
            String hex = parts[1].trim().toLowerCase(Locale.ROOT);
            String other = byHash.putIfAbsent(hex, name);
            if (other != null) {
                throw new IllegalArgumentException(CONFIG_PREFIX + other + " and " + CONFIG_PREFIX + name
                        + " hold the same key hash; give each client its own key");
            }
            keys.add(new ApiKey(name, role.get(), HexFormat.of().parseHex(hex),
                    parts.length == 3 ? agentHosts(parts[2]) : Set.of()));
        });
        return List.copyOf(keys);
    }

    /** The hosts of an agent key, each in its one form; empty when any is not a host name. */
    private static Set<String> agentHosts(String listed) {
        SortedSet<String> hosts = new TreeSet<>();
        for (String host : listed.split(",")) {
            Optional<String> normal = Hosts.normalize(host.strip());
            if (normal.isEmpty()) {
                return Set.of();
            }
            hosts.add(normal.get());
        }
        return Collections.unmodifiableSortedSet(hosts);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
