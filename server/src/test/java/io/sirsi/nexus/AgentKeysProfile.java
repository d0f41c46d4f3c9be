package io.sirsi.nexus;

import io.sirsi.nexus.api.security.ApiKeys;
import java.util.HashMap;
import java.util.Map;

/**
 * A registry with host agents' keys, on {@link TestClock}: the agent key may report for the {@code agent-*} hosts
 * alone; heartbeats time out after 10 s of the test's time, and a host whose agent was silent for 30 s is dark.
 */
public class AgentKeysProfile extends InjectedTimeProfile {

    public static final String AGENT_KEY = "agent-key-0d9e21";
    public static final String WRITER_KEY = ApiKeysProfile.WRITER_KEY;
    public static final String READER_KEY = ApiKeysProfile.READER_KEY;
    public static final String ADMIN_KEY = ApiKeysProfile.ADMIN_KEY;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.putAll(Map.of(
                "sirsi.auth.keys.agent-a", "agent:" + ApiKeys.sha256Hex(AGENT_KEY)
                        + ":agent-squat,agent-silent,agent-owner,agent-refuse,agent-dark,agent-ranges,agent-edges"
                        + ",agent-live,agent-check,agent-stall,agent-udp,agent-dgram,agent-addresses",
                "sirsi.auth.keys.dashboard", "reader:" + ApiKeys.sha256Hex(READER_KEY),
                "sirsi.auth.keys.ci-runner", "writer:" + ApiKeys.sha256Hex(WRITER_KEY),
                "sirsi.auth.keys.operator", "admin:" + ApiKeys.sha256Hex(ADMIN_KEY)));
        return overrides;
    }
}
