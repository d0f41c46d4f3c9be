package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.sirsi.nexus.RegistryProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every {@code sirsi-nexus ports} command, run in-process against a registry started from the packaged jar. */
@QuarkusMainTest
class PortsCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-cli"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    private static LaunchResult ports(QuarkusMainLauncher launcher, String... args) {
        List<String> all = new ArrayList<>(List.of("ports"));
        all.addAll(List.of(args));
        all.addAll(List.of("--url", registry.url()));
        return launcher.launch(all.toArray(String[]::new));
    }

    private static JsonNode json(LaunchResult result) throws Exception {
        return JSON.readTree(result.getOutput());
    }

    @Test
    void allocateLookUpAndReleaseAService(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult allocated = ports(launcher, "allocate", "orders", "rest-api", "--preferred-port", "8085");
        assertEquals(0, allocated.exitCode(), allocated.getErrorOutput());
        assertThat(allocated.getOutput(), containsString("Port 8085 -> orders (rest-api)"));

        LaunchResult quiet = ports(launcher, "allocate", "orders", "rest-api", "-q");
        assertEquals(0, quiet.exitCode());
        assertEquals("8085", quiet.getOutput().strip());

        String id = json(ports(launcher, "service", "orders", "-o", "json")).path("allocation_id").asText();
        LaunchResult service = ports(launcher, "service", "orders");
        assertEquals(0, service.exitCode());
        assertThat(service.getOutput(), containsString(id));
        assertThat(service.getOutput(), containsString("Active"));

        LaunchResult byPort = ports(launcher, "port", "8085");
        assertEquals(0, byPort.exitCode());
        assertThat(byPort.getOutput(), containsString("orders"));

        LaunchResult heartbeat = ports(launcher, "heartbeat", id);
        assertEquals(0, heartbeat.exitCode());
        assertThat(heartbeat.getOutput(), containsString("Heartbeat recorded"));

        LaunchResult released = ports(launcher, "release", id);
        assertEquals(0, released.exitCode());
        assertThat(released.getOutput(), containsString("Released allocation " + id));

        LaunchResult gone = ports(launcher, "service", "orders");
        assertEquals(ExitCodes.NOT_FOUND, gone.exitCode());
        assertThat(gone.getErrorOutput(), containsString("no service named 'orders'"));
        assertEquals(ExitCodes.NOT_FOUND, ports(launcher, "release", id).exitCode());
    }

    @Test
    void listOverviewAndTypeShowTablesAndJson(QuarkusMainLauncher launcher) throws Exception {
        ports(launcher, "allocate", "cache-one", "cache");
        ports(launcher, "allocate", "cache-two", "cache");

        LaunchResult list = ports(launcher, "list");
        assertEquals(0, list.exitCode());
        assertThat(list.getOutput(), matchesPattern("(?s)PORT +SERVICE +TYPE +STATUS +HEARTBEAT +ALLOCATION ID\\n.*"));
        assertThat(list.getOutput(), matchesPattern("(?s).*6300 +cache-one +cache +Active .*"));
        assertThat(list.getOutput(), not(containsString("\u001B[")));
        assertEquals("cache", json(ports(launcher, "list", "-o", "json")).path("cache-two").path("service_type").asText());

        LaunchResult overview = ports(launcher, "overview");
        assertEquals(0, overview.exitCode());
        assertThat(overview.getOutput(), containsString("cache-one, cache-two"));
        assertEquals("cache-one", json(ports(launcher, "overview", "-o", "json")).path("port_usage").path("6300").asText());

        LaunchResult type = ports(launcher, "type", "cache");
        assertThat(type.getOutput(), containsString("cache-two"));
        assertEquals(2, json(ports(launcher, "type", "cache", "-o", "json")).size());
        assertThat(ports(launcher, "type", "frontend").getOutput(), containsString("No services of type frontend"));
        LaunchResult badType = ports(launcher, "type", "soap");
        assertEquals(ExitCodes.INVALID, badType.exitCode());
        assertThat(badType.getErrorOutput(), containsString("unknown service_type 'soap'"));
    }

    @Test
    void statsHealthRangesAndCleanup(QuarkusMainLauncher launcher) throws Exception {
        ports(launcher, "allocate", "stat-svc", "analytics");
        LaunchResult stats = ports(launcher, "stats");
        assertEquals(0, stats.exitCode());
        assertThat(stats.getOutput(), matchesPattern("(?s).*type analytics +1.*"));
        assertEquals(json(ports(launcher, "stats", "-o", "json")).path("total_allocations").asInt() > 0, true);

        LaunchResult health = ports(launcher, "health");
        assertEquals(0, health.exitCode());
        assertThat(health.getOutput(), containsString("healthy: store up"));

        LaunchResult ranges = ports(launcher, "ranges");
        assertThat(ranges.getOutput(), matchesPattern("(?s).*analytics +8200-8299 +100 +1 +0 +99.*"));
        assertEquals(50050, json(ports(launcher, "ranges", "-o", "json")).path("grpc").path("first_port").asInt());

        LaunchResult cleanup = ports(launcher, "cleanup");
        assertEquals(0, cleanup.exitCode());
        assertThat(cleanup.getOutput(), containsString("Removed 0 expired allocations"));
    }

    @Test
    void conflictsAndBadInputGetTheirExitCodes(QuarkusMainLauncher launcher) {
        ports(launcher, "allocate", "holder", "security", "--preferred-port", "8350");
        LaunchResult conflict = ports(launcher, "allocate", "intruder", "security", "--preferred-port", "8350",
                "--required");
        assertEquals(ExitCodes.CONFLICT, conflict.exitCode());
        assertThat(conflict.getErrorOutput(), containsString("held by service 'holder'"));
        assertEquals("", conflict.getOutput().strip());

        LaunchResult invalid = ports(launcher, "allocate", "Bad Name", "rest-api");
        assertEquals(ExitCodes.INVALID, invalid.exitCode());
        assertThat(invalid.getErrorOutput(), containsString("invalid service_name 'Bad Name'"));

        LaunchResult notUuid = ports(launcher, "heartbeat", "not-a-uuid");
        assertEquals(ExitCodes.INVALID, notUuid.exitCode());

        assertEquals(ExitCodes.NOT_FOUND, ports(launcher, "port", "1").exitCode());
    }

    @Test
    void usageErrorsExitWithTwoAndAShortMessage(QuarkusMainLauncher launcher) {
        LaunchResult unknown = launcher.launch("ports", "stat");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertThat(unknown.getErrorOutput(), containsString("Unmatched argument"));
        assertThat(unknown.getErrorOutput(), containsString("Did you mean: ports stats"));
        assertThat(unknown.getErrorOutput(), containsString("See 'sirsi-nexus ports --help'"));

        LaunchResult badPort = launcher.launch("ports", "port", "abc");
        assertEquals(ExitCodes.USAGE, badPort.exitCode());

        LaunchResult requiredAlone = launcher.launch("ports", "allocate", "x", "rest-api", "--required");
        assertEquals(ExitCodes.USAGE, requiredAlone.exitCode());
        assertThat(requiredAlone.getErrorOutput(), containsString("--required needs --preferred-port"));

        LaunchResult noCommand = launcher.launch();
        assertEquals(ExitCodes.USAGE, noCommand.exitCode());
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes(QuarkusMainLauncher launcher) {
        LaunchResult help = launcher.launch("ports", "--help");
        assertEquals(0, help.exitCode());
        for (String command : List.of("list", "overview", "service", "port", "type", "stats", "health", "ranges",
                "allocate", "release", "heartbeat", "cleanup", "exec")) {
            assertThat(help.getOutput(), containsString("  " + command + " "));
        }
        assertThat(help.getOutput(), containsString("Exit codes:"));
        assertThat(help.getOutput(), containsString("registry unreachable"));

        LaunchResult completion = launcher.launch("generate-completion");
        assertEquals(0, completion.exitCode());
        assertThat(completion.getOutput(), containsString("complete -F"));

        LaunchResult version = launcher.launch("--version");
        assertThat(version.getOutput(), containsString("sirsi-nexus "));
    }

    @Test
    void anUnreachableRegistryIsOneLineAndExitSix(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("ports", "list", "--url", "http://127.0.0.1:1");
        assertEquals(ExitCodes.UNREACHABLE, result.exitCode());
        assertThat(result.getErrorOutput(), containsString("cannot reach the registry at http://127.0.0.1:1/"));
        assertThat(result.getErrorOutput(), not(containsString("Exception")));
    }
}
