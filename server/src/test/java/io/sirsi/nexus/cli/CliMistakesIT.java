package io.sirsi.nexus.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.sirsi.nexus.cli.Cli.Run;
import io.sirsi.nexus.testing.RegistryProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mistakes on the command line, in the environment and in --url, each refused by the packaged CLI in one line with
 * its documented exit code, and leaving nothing behind in the registry.
 */
class CliMistakesIT {

    private static RegistryProcess registry;
    /** A plain HTTP server that is not a registry: an HTML 404 for every request, as a wrong --url meets one. */
    private static HttpServer stranger;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-cli-mistakes"));
        stranger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stranger.createContext("/", exchange -> {
            byte[] page = "<html><body>Not Found</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("GET") ? 404 : 501, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        stranger.start();
    }

    @AfterAll
    static void stop() throws Exception {
        stranger.stop(0);
        registry.close();
    }

    private static Run ports(String... args) throws Exception {
        return Cli.ports(registry.url(), Map.of(), args);
    }

    /** A usage error: exit 2, the problem in one line and the pointer to --help, nothing on stdout. */
    private static Run usage(Run run, String problem) {
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run.err());
        assertThat(lines.get(0), containsString(problem));
        assertThat(lines.get(1), containsString("--help'."));
        assertThat(run.out(), emptyString());
        return run;
    }

    @Test
    void execRefusesABadHeartbeatIntervalBeforeItAllocates() throws Exception {
        for (String interval : List.of("0", "-5")) {
            usage(ports("exec", "e4", "custom", "--heartbeat-interval", interval, "--", "true"),
                    "invalid --heartbeat-interval '" + interval + "'");
            assertEquals(ExitCode.NOT_FOUND.code(), ports("service", "e4").exitCode(), "nothing was allocated");
        }
    }

    @Test
    void anApiKeyThatCannotBeAHeaderIsRefusedWithoutShowingIt() throws Exception {
        Run newline = usage(ports("list", "--api-key", "s3cret-key\n"), "holds a line break");
        assertThat(newline.err(), not(containsString("s3cret")));
        Run fromFile = usage(Cli.ports(registry.url(), Map.of("SIRSI_NEXUS_API_KEY", "s3cret-key\n"), "stats"),
                "SIRSI_NEXUS_API_KEY");
        assertThat(fromFile.err(), not(containsString("s3cret")));
        usage(ports("list", "--api-key", "s3cret\u0007"), "a control character");
        Run accented = usage(ports("list", "--api-key", "s3crét"), "not ASCII");
        assertThat(accented.err(), not(containsString("s3cr")));
    }

    @Test
    void aKeySentToARegistryWithoutKeysGetsNoHintToSendOne() throws Exception {
        Run refused = ports("stats", "--api-key", "some-key");
        assertEquals(ExitCode.UNAUTHORISED.code(), refused.exitCode(), refused.err());
        assertThat(refused.err(), containsString("no keys configured"));
        assertThat(refused.err(), not(containsString("give a key")));
    }

    @Test
    void aUrlThatIsNoRegistrySaysSoWithTheUnreachableExitCode() throws Exception {
        String url = "http://127.0.0.1:" + stranger.getAddress().getPort();
        for (String[] command : List.<String[]>of(new String[] {"list"}, new String[] {"service", "orders"},
                new String[] {"allocate", "orders", "rest-api"})) {
            Run run = Cli.ports(url, Map.of(), command);
            assertEquals(ExitCode.UNREACHABLE.code(), run.exitCode(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertThat(run.err(), containsString("is --url pointing at sirsi-nexus?"));
        }
        // the registry serves plain HTTP: https:// at it meets no TLS
        Run tls = Cli.ports(registry.url().replace("http://", "https://"), Map.of(), "stats");
        assertEquals(ExitCode.UNREACHABLE.code(), tls.exitCode(), tls.err());
        assertThat(tls.err(), containsString("does not speak TLS"));
        assertThat(tls.err(), not(containsString("--cacert")));
    }

    @Test
    void aMalformedUrlIsAUsageError() throws Exception {
        for (String url : List.of("http://localhost:99999", "http://localhost:0", registry.url() + "/?x=1",
                registry.url() + "/#top")) {
            usage(Cli.ports(url, Map.of(), "stats"), "invalid --url");
        }
    }

    @Test
    void namesAreCheckedByTheRegistrysRulesBeforeAnythingIsSent() throws Exception {
        usage(ports("hosts", ""), "invalid HOST ''");
        usage(ports("service", ".."), "invalid NAME '..'");
        usage(ports("service", ""), "invalid NAME ''");
        usage(ports("type", ".."), "invalid TYPE '..'");
        usage(ports("instances", "Bad Name"), "invalid NAME 'Bad Name'");
        usage(ports("list", "--host", "not_a host!"), "invalid --host 'not_a host!'");
        usage(ports("watch", "--service", ".."), "invalid --service '..'");
        Run tooLong = usage(ports("service", "a".repeat(5000)), "invalid NAME 'aaaa");
        assertThat(tooLong.err().lines().findFirst().orElseThrow().length() < 300, org.hamcrest.Matchers.is(true));
        usage(ports("allocate", "a".repeat(5000), "rest-api"), "invalid NAME");
    }

    @Test
    void theSameMistakeGetsTheSameExitCodeInEveryCommand() throws Exception {
        String id = "6f1c1b7e-0000-4000-8000-000000000000";
        Map<List<String>, String> mistakes = Map.ofEntries(
                Map.entry(List.of("watch", "--since", "abc"), "'abc' is not a whole number"), // not "a long"
                Map.entry(List.of("history", "--limit", "abc"), "'abc' is not a whole number"),
                Map.entry(List.of("history", "--since", "abc"), "invalid --since 'abc'"),
                Map.entry(List.of("drain", id, "--for", "abc"), "invalid --for 'abc'"),
                Map.entry(List.of("analytics", "--window", "abc"), "invalid --window 'abc'"),
                Map.entry(List.of("exec", "x", "custom", "--drain-delay", "abc", "--", "true"),
                        "invalid --drain-delay 'abc'"),
                Map.entry(List.of("port", "70000"), "invalid PORT '70000'"),
                Map.entry(List.of("allocate", "x", "custom", "--preferred-port", "70000"),
                        "invalid --preferred-port '70000'"),
                Map.entry(List.of("history", "--port", "70000"), "invalid --port '70000'"),
                Map.entry(List.of("history", "--limit", "5000"), "invalid --limit '5000': expected 1 to 1000"),
                Map.entry(List.of("heartbeat", "not-a-uuid"), "invalid ALLOCATION_ID 'not-a-uuid'"));
        for (var mistake : mistakes.entrySet()) {
            usage(ports(mistake.getKey().toArray(String[]::new)), mistake.getValue());
        }
        assertEquals(ExitCode.NOT_FOUND.code(), ports("service", "x").exitCode(), "nothing was allocated");
    }

    @Test
    void aCaFileThatIsMissingOrADirectoryIsNamedSo() throws Exception {
        usage(ports("stats", "--cacert", "/nonexistent/ca.pem"), "--cacert /nonexistent/ca.pem: no such file");
        String directory = Files.createTempDirectory("sirsi-nexus-ca").toString();
        usage(ports("stats", "--cacert", directory), "--cacert " + directory + " is a directory");
    }

    @Test
    void helpAndAMissingCommandReadAlike() throws Exception {
        for (List<String> args : List.of(List.<String>of(), List.of("ports"))) {
            Run missing = Cli.run(Map.of(), args.toArray(String[]::new));
            usage(missing, "Missing command");
        }
        Run help = Cli.run(Map.of(), "--help");
        assertThat(help.out(), containsString("Start the port registry server."));
        assertThat(help.out(), not(containsString("health under /q/health,\n")));
        assertThat(Cli.run(Map.of(), "ports", "instances", "--help").out(), containsString("Draining"));
    }

    @Test
    void theAgentRefusesANegativeNumberOfReports() throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--url", registry.url(), "--reports", "-1"));
        usage(Cli.run(Map.of(), args.toArray(String[]::new)), "invalid --reports '-1'");
    }
}
