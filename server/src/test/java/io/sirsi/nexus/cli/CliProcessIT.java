package io.sirsi.nexus.cli;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.cli.Cli.Run;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged jar as a CLI process, as scripts and people run it. */
class CliProcessIT {

    private static Path dataDir;
    private static RegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        dataDir = Files.createTempDirectory("sirsi-nexus-cli-process");
        registry = RegistryProcess.start(dataDir);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    static Process launch(Map<String, String> environment, String... args) throws IOException {
        return launch(registry, environment, args);
    }

    /** The command against this registry ({@code SIRSI_NEXUS_URL}), with these variables added. */
    static Process launch(RegistryProcess target, Map<String, String> environment, String... args)
            throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("SIRSI_NEXUS_URL", target.url()));
        all.putAll(environment);
        return Cli.launch(all, args);
    }

    static Run run(String... args) throws Exception {
        return Cli.finish(launch(Map.of(), args));
    }

    @Test
    void jsonOutputIsTheRegistrysAnswerAndStdoutHasNothingElse() throws Exception {
        Run allocated = run("ports", "allocate", "json-svc", "grpc", "-o", "json");
        assertEquals(0, allocated.exitCode(), allocated.err());
        var body = new ObjectMapper().readTree(allocated.out());
        assertEquals(true, body.path("success").asBoolean());
        assertEquals("json-svc", body.path("allocation").path("service_name").asText());
        assertThat(allocated.err(), emptyString());

        Run quiet = run("ports", "allocate", "json-svc", "grpc", "-q");
        assertEquals(body.path("allocation").path("port").asText(), quiet.out().strip());
    }

    @Test
    void failuresAreOneLineOnStderrWithTheirExitCode() throws Exception {
        run("ports", "allocate", "first", "frontend", "--preferred-port", "3050");
        Run conflict = run("ports", "allocate", "second", "frontend", "--preferred-port", "3050", "--required");
        assertEquals(ExitCode.CONFLICT.code(), conflict.exitCode());
        assertEquals(1, conflict.err().strip().lines().count(), conflict.err());
        assertThat(conflict.err(), containsString("held by service 'first'"));
        assertThat(conflict.out(), emptyString());

        Run missing = run("ports", "service", "nobody-here");
        assertEquals(ExitCode.NOT_FOUND.code(), missing.exitCode());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        Run unreachable = Cli.finish(launch(Map.of("SIRSI_NEXUS_URL", "http://127.0.0.1:1"), "ports", "stats"));
        assertEquals(ExitCode.UNREACHABLE.code(), unreachable.exitCode());
        assertEquals(1, unreachable.err().strip().lines().count(), unreachable.err());
        assertThat(unreachable.out(), emptyString());
    }

    @Test
    void aServerThatCannotStartSaysWhyOnStderr() throws Exception {
        assertThat(failedStart(Map.of("SIRSI_AUTH_KEYS_BROKEN", "nonsense")),
                containsString("cannot start: sirsi.auth.keys.broken must be <role>:<sha256-hex of the key>"));
        assertThat(failedStart(Map.of("SIRSI_AUTH_KEYS_NODE_AGENT", "agent:" + "ab".repeat(32))),
                containsString("cannot start: sirsi.auth.keys.node.agent must be agent:<sha256-hex of the key>"
                        + ":<host>"));
        assertThat(failedStart(Map.of("SIRSI_RATE_LIMIT_BURST", "0")),
                containsString("cannot start: sirsi.rate-limit.burst must be at least 1, got 0"));
        // settings the configuration reads but cannot judge: a negative timeout expired every allocation at once
        assertThat(failedStart(Map.of("SIRSI_PORTS_HEARTBEAT_TIMEOUT", "-5s")),
                containsString("cannot start: sirsi.ports.heartbeat-timeout must be more than 0s, got -5s"));
        assertThat(failedStart(Map.of("SIRSI_PORTS_SELF_PRESERVATION_THRESHOLD", "-0.5")), containsString(
                "cannot start: sirsi.ports.self-preservation.threshold must be a share from 0 to 1"));
        assertThat(failedStart(Map.of("SIRSI_PORTS_RESERVED_PORTS", "0,70000")),
                containsString("cannot start: sirsi.ports.reserved-ports must be ports from 1 to 65535, got "));
        // a typo in a switch is no "false": it turned rate limiting off with a warning only
        assertThat(failedStart(Map.of("SIRSI_RATE_LIMIT_ENABLED", "ture")),
                allOf(containsString("sirsi.rate-limit.enabled"), containsString("expected true or false")));
        // without keys every local client is admin: a page of a CORS origin in a browser here would be too
        assertThat(failedStart(Map.of("QUARKUS_HTTP_CORS_ENABLED", "true", "QUARKUS_HTTP_CORS_ORIGINS",
                "https://dashboard.example")), containsString("cannot start: quarkus.http.cors.enabled=true needs API"
                        + " keys (sirsi.auth.keys.*)"));
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesToStart() throws Exception {
        assertThat(failedStart(Map.of("SIRSI_PORTS_DATA_DIR", dataDir.toString())),
                containsString("cannot start: another registry process (pid "));
        assertEquals(0, run("ports", "stats").exitCode(), "the first registry is untouched");
    }

    /** Runs {@code start} on a free HTTP port with the settings given; returns its stderr once it has failed. */
    private static String failedStart(Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("QUARKUS_HTTP_PORT", "0", "SIRSI_DNS_PORT", "0",
                "SIRSI_PORTS_DATA_DIR", Files.createTempDirectory("sirsi-nexus-broken").toString()));
        environment.putAll(settings);
        Process starting = launch(environment, "start");
        if (!starting.waitFor(60, TimeUnit.SECONDS)) {
            starting.destroyForcibly();
            throw new AssertionError("the registry started with " + settings);
        }
        Run start = Cli.finish(starting);
        assertEquals(1, start.exitCode(), start.err());
        assertThat(start.err(), containsString("sirsi-nexus: cannot start: "));
        return start.err();
    }

    @Test
    void aClientCommandWorksWhilePort8080IsTaken() throws Exception {
        try (ServerSocket squatter = takePort8080()) {
            Run stats = run("ports", "stats");
            assertEquals(0, stats.exitCode(), stats.err());
            assertThat(stats.out(), containsString("total"));
        }
    }

    @Test
    void aClientCommandReadsNoServerSettings() throws Exception {
        Run stats = Cli.finish(launch(Map.of("SIRSI_RATE_LIMIT_BURST", "0", "SIRSI_AUTH_KEYS_BROKEN", "nonsense",
                "QUARKUS_HTTP_PORT", "not-a-port"), "ports", "stats"));
        assertEquals(0, stats.exitCode(), stats.err());
        assertThat(stats.err(), emptyString());
    }

    @Test
    void execRunsTheCommandWithItsPortAndReleasesIt() throws Exception {
        Run exec = run("ports", "exec", "exec-svc", "custom", "--preferred-port", "9123", "--",
                "sh", "-c", "echo \"PORT=$PORT SAME=$SIRSI_NEXUS_PORT ID=$SIRSI_NEXUS_ALLOCATION_ID\"; exit 7");
        assertEquals(7, exec.exitCode(), exec.err());
        assertThat(exec.out(), containsString("PORT=9123 SAME=9123 ID="));
        assertThat(exec.err(), containsString("port 9123 allocated to exec-svc"));
        registry.request().get("/ports/service/exec-svc").then().statusCode(404);
    }

    @Test
    void execHeartbeatsWhileTheCommandRuns() throws Exception {
        Process exec = launch(Map.of(), "ports", "exec", "long-runner", "cache", "--heartbeat-interval", "1", "--",
                "sleep", "30");
        try {
            awaitRegistered(registry, "long-runner");
            String first = lastHeartbeat("long-runner");
            await().atMost(Duration.ofSeconds(60)).until(() -> !lastHeartbeat("long-runner").equals(first));
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(exec.pid())).start().waitFor();
            Cli.finish(exec);
        }
        registry.request().get("/ports/service/long-runner").then().statusCode(404);
    }

    private static String lastHeartbeat(String name) {
        return registry.request().get("/ports/service/" + name).then().statusCode(200).extract().path("last_heartbeat");
    }

    @Test
    void execPassesSigtermToTheCommandAndReleasesThePort() throws Exception {
        Process exec = launch(Map.of(), "ports", "exec", "signalled", "custom", "--",
                "sh", "-c", "trap 'exit 42' TERM; echo trapped; sleep 30 & wait");
        awaitRegistered(registry, "signalled");
        // the command says when its trap is set; the byte is read alone, so the rest stays for finish()
        assertEquals('t', exec.getInputStream().read(), "the command's first output");
        // kill(1), not Process.destroy(), which would also close the streams this test reads
        new ProcessBuilder("kill", "-TERM", Long.toString(exec.pid())).start().waitFor();
        Run finished = Cli.finish(exec);
        assertEquals(42, finished.exitCode(), finished.err());
        registry.request().get("/ports/service/signalled").then().statusCode(404);
    }

    @Test
    void apiKeysComeFromTheEnvironmentOrTheOptionAndRefusalsHaveTheirExitCode() throws Exception {
        String readerHash = sha256("reader-secret");
        try (RegistryProcess guarded = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-guarded"),
                "-Dsirsi.auth.keys.ci=reader:" + readerHash)) {
            Run anonymous = Cli.finish(launch(guarded, Map.of(), "ports", "stats"));
            assertEquals(ExitCode.UNAUTHORISED.code(), anonymous.exitCode(), anonymous.err());
            assertThat(anonymous.err(), containsString("SIRSI_NEXUS_API_KEY"));

            Run withEnvironment = Cli.finish(launch(guarded, Map.of("SIRSI_NEXUS_API_KEY", "reader-secret"),
                    "ports", "stats"));
            assertEquals(0, withEnvironment.exitCode(), withEnvironment.err());

            Run tooLow = Cli.finish(launch(guarded, Map.of(), "ports", "allocate", "guarded-svc", "grpc",
                    "--api-key", "reader-secret"));
            assertEquals(ExitCode.UNAUTHORISED.code(), tooLow.exitCode(), tooLow.err());
            assertEquals(1, tooLow.err().strip().lines().count(), tooLow.err());
        }
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void awaitRegistered(RegistryProcess target, String name) {
        await().alias(name + " registered").atMost(Duration.ofSeconds(60))
                .until(() -> target.request().get("/ports/service/" + name).statusCode() == 200);
    }

    /** Binds 8080 unless something else already holds it; either way 8080 is taken while the result is open. */
    private static ServerSocket takePort8080() throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(8080));
        } catch (IOException alreadyTaken) {
            // someone else holds it: just as good
        }
        return socket;
    }
}
