package io.sirsi.nexus;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.sirsi.nexus.api.security.ApiKeys;
import java.util.HashMap;
import java.util.Map;

/** Rate limits on, and small enough to reach in a test; every client has its own writer key. */
public class RateLimitProfile implements QuarkusTestProfile {

    // Low rates, so that a burst sent at once stays over the limit however slowly a loaded machine answers.
    public static final int READS_PER_SECOND = 4;
    public static final int WRITES_PER_SECOND = 1;
    public static final int BURST = 5;
    public static final String[] CLIENTS = {"polite", "hammer", "bursty", "writer", "health"};

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(Map.of(
                "sirsi.rate-limit.enabled", "true",
                "sirsi.rate-limit.reads-per-second", Integer.toString(READS_PER_SECOND),
                "sirsi.rate-limit.writes-per-second", Integer.toString(WRITES_PER_SECOND),
                "sirsi.rate-limit.burst", Integer.toString(BURST)));
        for (String client : CLIENTS) {
            config.put("sirsi.auth.keys." + client, "writer:" + ApiKeys.sha256Hex(key(client)));
        }
        return config;
    }

    public static String key(String client) {
        return "key-of-" + client;
    }
}
