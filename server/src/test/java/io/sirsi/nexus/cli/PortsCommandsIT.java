package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.cli.Cli.Run;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code sirsi-nexus ports} command, each a process of the packaged jar (client commands do not boot Quarkus,
 * so they are tested as they run), against a registry started from the same jar.
 */
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

    private static Run ports(String... args) throws Exception {
        return Cli.ports(registry.url(), Map.of(), args);
    }

    private static Run launch(String... args) throws Exception {
        return Cli.run(Map.of(), args);
    }

    private static JsonNode json(Run result) throws Exception {
        return JSON.readTree(result.out());
    }

    @Test
    void allocateLookUpAndReleaseAService() throws Exception {
        Run allocated = ports("allocate", "orders", "rest-api", "--preferred-port", "8085");
        assertEquals(0, allocated.exitCode(), allocated.err());
        assertThat(allocated.out(), containsString("Port 8085 -> orders (rest-api)"));

        Run quiet = ports("allocate", "orders", "rest-api", "-q");
        assertEquals(0, quiet.exitCode());
        assertEquals("8085", quiet.out().strip());

        String id = json(ports("service", "orders", "-o", "json")).path("allocation_id").asText();
        Run service = ports("service", "orders");
        assertEquals(0, service.exitCode());
        assertThat(service.out(), containsString(id));
        assertThat(service.out(), containsString("Active"));

        Run byPort = ports("port", "8085");
        assertEquals(0, byPort.exitCode());
        assertThat(byPort.out(), containsString("orders"));

        Run heartbeat = ports("heartbeat", id);
        assertEquals(0, heartbeat.exitCode());
        assertThat(heartbeat.out(), containsString("Heartbeat recorded"));

        Run released = ports("release", id);
        assertEquals(0, released.exitCode());
        assertThat(released.out(), containsString("Released allocation " + id));

        Run gone = ports("service", "orders");
        assertEquals(ExitCode.NOT_FOUND.code(), gone.exitCode());
        assertThat(gone.err(), containsString("no service named 'orders'"));
        assertEquals(ExitCode.NOT_FOUND.code(), ports("release", id).exitCode());
    }

    @Test
    void listOverviewAndTypeShowTablesAndJson() throws Exception {
        ports("allocate", "cache-one", "cache");
        ports("allocate", "cache-two", "cache");

        Run list = ports("list");
        assertEquals(0, list.exitCode());
        assertThat(list.out(), matchesPattern("(?s)PORT +SERVICE +TYPE +STATUS +HEARTBEAT +ALLOCATION ID\\n.*"));
        assertThat(list.out(), matchesPattern("(?s).*6300 +cache-one +cache +Active .*"));
        assertThat(list.out(), not(containsString("\u001B[")));
        assertEquals("cache", json(ports("list", "-o", "json")).path("cache-two").path("service_type").asText());

        Run overview = ports("overview");
        assertEquals(0, overview.exitCode());
        assertThat(overview.out(), containsString("cache-one, cache-two"));
        assertEquals("cache-one", json(ports("overview", "-o", "json")).path("port_usage").path("6300").asText());

        Run type = ports("type", "cache");
        assertThat(type.out(), containsString("cache-two"));
        assertEquals(2, json(ports("type", "cache", "-o", "json")).size());
        assertThat(ports("type", "frontend").out(), containsString("No services of type frontend"));
        Run badType = ports("type", "soap");
        assertEquals(ExitCode.INVALID.code(), badType.exitCode());
        assertThat(badType.err(), containsString("unknown service_type 'soap'"));
    }

    @Test
    void statsHealthRangesAndCleanup() throws Exception {
        ports("allocate", "stat-svc", "analytics");
        Run stats = ports("stats");
        assertEquals(0, stats.exitCode());
        assertThat(stats.out(), matchesPattern("(?s).*type analytics +1.*"));
        assertEquals(json(ports("stats", "-o", "json")).path("total_allocations").asInt() > 0, true);

        Run health = ports("health");
        assertEquals(0, health.exitCode());
        assertThat(health.out(), containsString("healthy: store up"));

        Run ranges = ports("ranges");
        assertThat(ranges.out(), matchesPattern("(?s).*analytics +8200-8299 +100 +1 +0 +99.*"));
        assertEquals(50050, json(ports("ranges", "-o", "json")).path("grpc").path("first_port").asInt());

        Run cleanup = ports("cleanup");
        assertEquals(0, cleanup.exitCode());
        assertThat(cleanup.out(), containsString("Removed 0 expired allocations"));
    }

    @Test
    void conflictsAndBadInputGetTheirExitCodes() throws Exception {
        ports("allocate", "holder", "security", "--preferred-port", "8350");
        Run conflict = ports("allocate", "intruder", "security", "--preferred-port", "8350",
                "--required");
        assertEquals(ExitCode.CONFLICT.code(), conflict.exitCode());
        assertThat(conflict.err(), containsString("held by service 'holder'"));
        assertEquals("", conflict.out().strip());

        Run invalid = ports("allocate", "Bad Name", "rest-api");
        assertEquals(ExitCode.USAGE.code(), invalid.exitCode(), "checked before it is sent");
        assertThat(invalid.err(), containsString("invalid NAME 'Bad Name'"));

        Run notUuid = ports("heartbeat", "not-a-uuid");
        assertEquals(ExitCode.USAGE.code(), notUuid.exitCode());

        assertEquals(ExitCode.NOT_FOUND.code(), ports("port", "1").exitCode());
    }

    @Test
    void usageErrorsExitWithTwoAndAShortMessage() throws Exception {
        Run unknown = launch("ports", "stat");
        assertEquals(ExitCode.USAGE.code(), unknown.exitCode());
        assertThat(unknown.err(), containsString("Unmatched argument"));
        assertThat(unknown.err(), containsString("Did you mean: ports stats"));
        assertThat(unknown.err(), containsString("See 'sirsi-nexus ports --help'"));

        Run badPort = launch("ports", "port", "abc");
        assertEquals(ExitCode.USAGE.code(), badPort.exitCode());

        Run requiredAlone = launch("ports", "allocate", "x", "rest-api", "--required");
        assertEquals(ExitCode.USAGE.code(), requiredAlone.exitCode());
        assertThat(requiredAlone.err(), containsString("--required needs --preferred-port"));

        Run noCommand = launch();
        assertEquals(ExitCode.USAGE.code(), noCommand.exitCode());
    }

    @Test
    void allocateAsksForACheckAndAWrongOneIsAUsageErrorThatAllocatesNothing() throws Exception {
        Run http = ports("allocate", "checked-api", "rest-api", "--check", "http:/health?deep=1", "--check-interval",
                "5s", "--check-timeout", "500ms", "-o", "json");
        assertEquals(0, http.exitCode(), http.err());
        JsonNode check = json(ports("service", "checked-api", "-o", "json")).path("check");
        assertEquals("http", check.path("type").asText(), check.toString());
        assertEquals("/health?deep=1", check.path("path").asText());
        assertEquals("5000ms", check.path("interval").asText());
        assertEquals("500ms", check.path("timeout").asText());
        assertEquals("pending", check.path("status").asText(), "pending until the host's agent has run it");
        assertThat(ports("service", "checked-api").out(),
                containsString("http /health?deep=1 every 5000ms, timeout 500ms: pending"));
        Run listed = ports("list");
        assertThat(listed.out(), matchesPattern("(?s).*CHECK.*checked-api[^\\n]*pending.*"));

        Run tcp = ports("allocate", "checked-db", "database", "--check", "tcp", "-o", "json");
        assertEquals(0, tcp.exitCode(), tcp.err());
        JsonNode defaults = json(ports("service", "checked-db", "-o", "json")).path("check");
        assertEquals("tcp", defaults.path("type").asText(), defaults.toString());
        assertEquals("10000ms", defaults.path("interval").asText());

        Map<List<String>, String> wrong = Map.of(
                List.of("--check", "ftp"), "--check must be tcp or http:PATH",
                List.of("--check", "http"), "--check must be tcp or http:PATH",
                List.of("--check", "tcp:/health"), "--check must be tcp or http:PATH",
                List.of("--check", "http:health"), "--check's PATH must start with /",
                List.of("--check", "tcp", "--check-interval", "0s"), "--check-interval must be 1000ms to",
                List.of("--check", "tcp", "--check-interval", "often"), "invalid --check-interval 'often'",
                List.of("--check", "tcp", "--check-interval", "2s", "--check-timeout", "5s"),
                "--check-timeout (5000ms) must not be longer than --check-interval (2000ms)",
                List.of("--check-timeout", "1s"), "--check-timeout needs --check");
        usageErrors(List.of("ports", "allocate", "unchecked", "rest-api"), wrong);
        Run execRefused = launch("ports", "exec", "unchecked", "rest-api", "--check-interval", "5s", "--", "true");
        assertEquals(ExitCode.USAGE.code(), execRefused.exitCode(), execRefused.err());
        assertThat(execRefused.err(), containsString("--check-interval needs --check"));
        assertEquals(ExitCode.NOT_FOUND.code(), ports("service", "unchecked").exitCode());

        for (Run allocated : List.of(http, tcp)) { // the other tests' tables have no CHECK column
            assertEquals(0, ports("release", json(allocated).path("allocation").path("allocation_id").asText())
                    .exitCode());
        }
    }

    /** Each set of options after the command is a usage error whose first line says what it maps to. */
    private static void usageErrors(List<String> command, Map<List<String>, String> wrong) throws Exception {
        for (var options : wrong.entrySet()) {
            List<String> args = new ArrayList<>(command);
            args.addAll(options.getKey());
            Run refused = launch(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE.code(), refused.exitCode(), options.getKey() + ": " + refused.err());
            assertThat(options.getKey().toString(), refused.err().lines().findFirst().orElse(""),
                    containsString(options.getValue()));
        }
    }

    @Test
    void allocateForAUdpServiceShowsItsProtocolAndAWrongOneIsAUsageError() throws Exception {
        Run udp = ports("allocate", "metrics-sink", "custom", "--protocol", "udp", "-o", "json");
        assertEquals(0, udp.exitCode(), udp.err());
        assertEquals("udp", json(udp).path("allocation").path("protocol").asText(), udp.out());
        assertThat(ports("service", "metrics-sink").out(), matchesPattern("(?s).*protocol\\s+udp.*"));

        Map<List<String>, String> wrong = Map.of(
                List.of("--protocol", "sctp"), "invalid --protocol 'sctp': tcp or udp",
                List.of("--protocol", "udp", "--check", "tcp"), "--check needs a tcp service");
        usageErrors(List.of("ports", "allocate", "odd-sink", "custom"), wrong);
        assertEquals(ExitCode.NOT_FOUND.code(), ports("service", "odd-sink").exitCode());
        // asked again for the other protocol: the registry's conflict, exit 4
        Run other = ports("allocate", "metrics-sink", "custom", "--protocol", "tcp");
        assertEquals(ExitCode.CONFLICT.code(), other.exitCode(), other.err());
        assertThat(other.err(), containsString("for udp"));
        assertEquals(0, ports("release", json(udp).path("allocation").path("allocation_id").asText()).exitCode());
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() throws Exception {
        Run help = launch("ports", "--help");
        assertEquals(0, help.exitCode());
        for (String command : List.of("list", "overview", "service", "port", "type", "stats", "health", "ranges",
                "allocate", "release", "drain", "undrain", "heartbeat", "cleanup", "exec")) {
            assertThat(help.out(), containsString("  " + command + " "));
        }
        assertThat(help.out(), containsString("Exit codes:"));
        assertThat(help.out(), containsString("registry unreachable"));

        Run completion = launch("generate-completion");
        assertEquals(0, completion.exitCode());
        assertThat(completion.out(), containsString("complete -F"));

        Run version = launch("--version");
        assertThat(version.out(), containsString("sirsi-nexus "));
    }

    @Test
    void anUnreachableRegistryIsOneLineAndExitSix() throws Exception {
        Run result = launch("ports", "list", "--url", "http://127.0.0.1:1");
        assertEquals(ExitCode.UNREACHABLE.code(), result.exitCode());
        assertThat(result.err(), containsString("cannot reach the registry at http://127.0.0.1:1/"));
        assertThat(result.err(), not(containsString("Exception")));
    }
}
