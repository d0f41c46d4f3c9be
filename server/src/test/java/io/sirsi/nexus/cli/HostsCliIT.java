package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.cli.Cli.Run;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI on a platform of several hosts, each command a process of the packaged jar against a registry started from
 * the same jar: {@code --host} and {@code $SIRSI_NEXUS_HOST}, {@code list --all-hosts}, {@code hosts},
 * {@code instances}, {@code scale}, and {@code exec} moving off a port that another process holds on its host.
 */
class HostsCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-hosts-cli"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    private static Run ports(String... args) throws Exception {
        return ports(Map.of(), args);
    }

    private static Run ports(Map<String, String> environment, String... args) throws Exception {
        return Cli.ports(registry.url(), environment, args);
    }

    private static Run succeeded(Run run) {
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    private static JsonNode json(Run run) throws Exception {
        return JSON.readTree(succeeded(run).out());
    }

    /** A usage error: its line on stderr, then the pointer to --help, and exit 2. */
    private static void refused(Run run) {
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.out() + run.err());
        assertThat(run.err(), startsWith("sirsi-nexus: invalid "));
        assertThat(run.err(), containsString("--help'."));
    }

    /** A failure is one line on stderr, {@code sirsi-nexus: ...}, and this exit code. */
    private static void failed(Run run, ExitCode expected) {
        assertEquals(expected.code(), run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertThat(run.err(), startsWith("sirsi-nexus: "));
    }

    @Test
    void theSameServiceGetsTheSamePortOnTwoHostsAndListAllHostsShowsBoth() throws Exception {
        String onA = succeeded(ports("allocate", "orders", "rest-api", "--host", "node-a", "-q")).out().strip();
        String onB = succeeded(ports(Map.of("SIRSI_NEXUS_HOST", "node-b"), "allocate", "orders", "rest-api", "-q"))
                .out().strip();
        assertEquals(onA, onB);
        assertThat(succeeded(ports("allocate", "orders", "rest-api", "--host", "node-b")).out(),
                containsString("Port " + onB + " -> orders (rest-api) on node-b"));
        assertEquals("node-b", json(ports("service", "orders", "--host", "node-b", "-o", "json")).path("host")
                .asText());
        assertEquals(onA, json(ports(Map.of("SIRSI_NEXUS_HOST", "node-a"), "port", onA, "-o", "json"))
                .path("port").asText());

        Run all = succeeded(ports("list", "--all-hosts"));
        assertThat(all.out(), matchesPattern("(?s)HOST +PORT +SERVICE +TYPE +STATUS.*"));
        assertThat(all.out(), matchesPattern("(?s).*\\nnode-a +" + onA + " +orders +rest-api +Active.*"));
        assertThat(all.out(), matchesPattern("(?s).*\\nnode-b +" + onB + " +orders +rest-api +Active.*"));
        assertEquals(2, countOf(json(ports("list", "--all-hosts", "-o", "json")), "orders"));

        Run oneHost = succeeded(ports("list", "--host", "node-a"));
        assertThat(oneHost.out(), startsWith("PORT "));
        assertThat(oneHost.out(), containsString("orders"));
        assertThat(succeeded(ports("type", "rest-api", "--host", "node-b")).out(), containsString("orders"));
        assertThat(succeeded(ports("stats", "--host", "node-a")).out(), containsString("type rest-api"));

        Run both = ports("list", "--all-hosts", "--host", "node-a");
        assertEquals(ExitCode.USAGE.code(), both.exitCode(), both.err());
        assertThat(both.err(), startsWith("sirsi-nexus: --all-hosts and --host cannot go together\n"));
    }

    private static long countOf(JsonNode allocations, String service) {
        long count = 0;
        for (JsonNode allocation : allocations) {
            count += service.equals(allocation.path("service_name").asText()) ? 1 : 0;
        }
        return count;
    }

    @Test
    void hostsShowsEachHostsCountsAndTypes() throws Exception {
        succeeded(ports("allocate", "counted", "cache", "--host", "node-h1"));
        succeeded(ports("allocate", "counted", "cache", "--host", "node-h2"));

        String drained = json(succeeded(ports("allocate", "counted", "cache", "--host", "node-h3", "-o", "json")))
                .path("allocation").path("allocation_id").asText();
        succeeded(ports("drain", drained));

        Run hosts = succeeded(ports("hosts"));
        assertThat(hosts.out(), matchesPattern("(?s)HOST +ALLOCATIONS +ACTIVE +RESERVED +EXPIRED +DRAINING\\n.*"));
        assertThat(hosts.out(), matchesPattern("(?s).*\\nnode-h1 +1 +1 +0 +0 +0\\n.*"));
        assertThat(hosts.out(), matchesPattern("(?s).*\\nnode-h3 +1 +0 +0 +0 +1\\n.*"));
        assertThat(hosts.out(), matchesPattern("(?s).*\\nnode-h2 +cache +1 +\\d+\\n.*"));

        JsonNode answer = json(ports("hosts", "-o", "json"));
        assertEquals(1, answer.path("node-h1").path("active_allocations").asInt(), answer.toString());
        assertEquals(1, answer.path("node-h2").path("types").path("cache").path("in_use").asInt(), answer.toString());
    }

    @Test
    void hostsShowsAHostInMaintenanceUntilWhenAndWhy() throws Exception {
        succeeded(ports("drain", "--host", "node-m1", "--for", "1h", "--reason", "kernel update"));
        try {
            Run hosts = succeeded(ports("hosts"));
            assertThat(hosts.out(), matchesPattern("(?s)HOST +ALLOCATIONS +ACTIVE +RESERVED +EXPIRED +DRAINING"
                    + "( +AGENT +UNREGISTERED)? +MAINTENANCE\\n.*"));
            assertThat(hosts.out(), matchesPattern("(?s).*\\nnode-m1 +0 +0 +0 +0 +0 +(\\S+ +\\S+ +)?until \\S+Z"
                    + " \\(kernel update\\)\\n.*"));
            assertEquals("kernel update", json(ports("hosts", "-o", "json")).path("node-m1").path("maintenance")
                    .path("reason").asText());
        } finally {
            succeeded(ports("undrain", "--host", "node-m1"));
        }
    }

    @Test
    void instancesListsAServiceOnEveryHost() throws Exception {
        succeeded(ports("allocate", "spread", "grpc", "--host", "node-i1"));
        succeeded(ports("allocate", "spread", "grpc", "--host", "node-i2"));

        Run instances = succeeded(ports("instances", "spread"));
        assertThat(instances.out(), matchesPattern("(?s)HOST +PORT +SERVICE.*\\nnode-i1 .*\\nnode-i2 .*"));
        assertEquals(2, json(ports("instances", "spread", "--status", "Active", "-o", "json")).size());
        assertThat(succeeded(ports("service", "spread")).out(), containsString("sirsi-nexus ports instances spread"));

        failed(ports("instances", "nowhere"), ExitCode.NOT_FOUND);
    }

    @Test
    void scaleUpAndDownAndAllOrNothing() throws Exception {
        Run up = succeeded(ports("scale", "web", "frontend", "3", "--hosts", "node-s1,node-s2,node-s3"));
        assertThat(up.out(), containsString("web: 3 instance(s), 3 added, 0 removed"));
        assertThat(up.out(), matchesPattern("(?s).*\\nnode-s1 .*\\nnode-s2 .*\\nnode-s3 .*"));
        assertEquals(3, json(ports("instances", "web", "-o", "json")).size());

        JsonNode down = json(ports("scale", "web", "frontend", "1", "--hosts", "node-s1,node-s2,node-s3",
                "-o", "json"));
        assertEquals(2, down.path("removed").asInt(), down.toString());
        assertEquals(1, down.path("instances").size(), down.toString());
        assertEquals(1, json(ports("instances", "web", "-o", "json")).size());

        failed(ports("scale", "web", "frontend", "5", "--hosts", "node-s1,node-s2"), ExitCode.CONFLICT);
        assertEquals(1, json(ports("instances", "web", "-o", "json")).size());
    }

    @Test
    void execMovesOffAPortThatAnotherProcessHoldsOnItsHost() throws Exception {
        try (ServerSocket held = new ServerSocket(0)) {
            int taken = held.getLocalPort();
            Run exec = ports("exec", "mover", "custom", "--host", "node-e", "--preferred-port",
                    Integer.toString(taken), "--", "sh", "-c", "echo \"PORT=$PORT\"");
            assertEquals(0, exec.exitCode(), exec.err());
            assertThat(exec.err(), containsString("sirsi-nexus: port " + taken + " is in use on this host by another"
                    + " process; asking the registry for another\n"));
            Matcher port = Pattern.compile("PORT=(\\d+)").matcher(exec.out());
            assertThat(exec.out(), port.find(), org.hamcrest.Matchers.is(true));
            assertNotEquals(taken, Integer.parseInt(port.group(1)));
            assertThat(exec.err(), containsString("port " + port.group(1) + " allocated to mover on node-e"));
            failed(ports("instances", "mover"), ExitCode.NOT_FOUND); // released when the command ended

            Run required = ports("exec", "mover", "custom", "--host", "node-e", "--preferred-port",
                    Integer.toString(taken), "--required", "--", "true");
            failed(required, ExitCode.CONFLICT);
            assertThat(required.err(), containsString("port " + taken + " is in use on this host"));
            failed(ports("instances", "mover"), ExitCode.NOT_FOUND);
        }
    }

    @Test
    void aMalformedHostIsAUsageErrorCheckedBeforeItIsSent() throws Exception {
        refused(ports("allocate", "bad-host", "rest-api", "--host", "not_a host!"));
        refused(ports("list", "--host", "not_a host!"));
        Run fromVariable = ports(Map.of("SIRSI_NEXUS_HOST", "-leading-dash"), "allocate", "bad-host", "rest-api");
        refused(fromVariable);
        assertThat(fromVariable.err(), containsString("invalid $SIRSI_NEXUS_HOST '-leading-dash'"));
        assertThat(fromVariable.err(), not(containsString("Exception")));
    }

    @Test
    void helpDescribesTheNewCommandsAndOptions() throws Exception {
        Run help = succeeded(Cli.run(Map.of(), "ports", "--help"));
        for (String command : List.of("hosts", "instances", "scale")) {
            assertThat(help.out(), matchesPattern("(?s).*\\n +" + command + " +\\S.*"));
        }
        Run exec = succeeded(ports("exec", "--help"));
        for (String option : List.of("--host", "--strategy", "--avoid-ports", "SIRSI_NEXUS_HOST")) {
            assertThat(exec.out(), containsString(option));
        }
        assertThat(succeeded(ports("list", "--help")).out(), containsString("--all-hosts"));
        assertThat(succeeded(ports("scale", "--help")).out(), containsString("--hosts"));
    }
}
