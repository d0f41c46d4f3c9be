package io.sirsi.nexus.cli;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * HTTPS end to end, as the README sets it up: a self-signed certificate made by openssl, the registry serving it
 * with plain HTTP refused, and the CLI trusting it with --cacert or SIRSI_NEXUS_CACERT, and refusing without.
 */
class TlsIT {

    @Test
    void theRegistryServesHttpsAndTheCliTrustsOnlyTheGivenCa() throws Exception {
        Path dir = Files.createTempDirectory("sirsi-nexus-tls");
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        Path cert = certificate.cert();
        Path key = certificate.key();

        int httpsPort = RegistryProcess.freePort();
        int httpPort = RegistryProcess.freePort();
        Process server = new ProcessBuilder(RegistryProcess.javaExecutable(), "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.http.ssl-port=" + httpsPort, "-Dquarkus.http.insecure-requests=disabled",
                "-Dquarkus.http.ssl.certificate.files=" + cert, "-Dquarkus.http.ssl.certificate.key-files=" + key,
                "-Dsirsi.ports.data-dir=" + dir.resolve("data"), "-Dsirsi.ports.bind-check=false",
                "-Dsirsi.dns.port=0",
                "-jar", RegistryProcess.jar().toString(), "start")
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        String https = "https://localhost:" + httpsPort;
        try {
            awaitHealthy(server, https, cert, dir);

            Cli.Run allocated = Cli.run(Map.of(), "ports", "allocate", "secure", "rest-api", "-q", "--url", https,
                    "--cacert", cert.toString());
            assertEquals(0, allocated.exitCode(), allocated.err());
            Cli.Run byEnvironment = Cli.run(Map.of("SIRSI_NEXUS_URL", https, "SIRSI_NEXUS_CACERT", cert.toString()),
                    "ports", "service", "secure", "-o", "json");
            assertEquals(0, byEnvironment.exitCode(), byEnvironment.err());
            assertThat(byEnvironment.out(), containsString("\"port\":" + allocated.out().strip()));

            Cli.Run untrusted = Cli.run(Map.of(), "ports", "stats", "--url", https);
            assertEquals(6, untrusted.exitCode(), untrusted.err());
            assertEquals(1, untrusted.err().lines().count(), untrusted.err());
            assertThat(untrusted.err(), containsString("certificate cannot be verified"));
            assertThat(untrusted.err(), containsString("--cacert"));

            Cli.Run plain = Cli.run(Map.of(), "ports", "stats", "--url", "http://localhost:" + httpPort);
            assertEquals(6, plain.exitCode(), "plain HTTP is refused: " + plain.out());
            Cli.Run plainToTls = Cli.run(Map.of(), "ports", "stats", "--url", "http://localhost:" + httpsPort);
            assertEquals(6, plainToTls.exitCode(), plainToTls.err());
            assertThat(plainToTls.err(), containsString("use https://"));

            Cli.Run missing = Cli.run(Map.of(), "ports", "stats", "--url", https, "--cacert",
                    dir.resolve("nope.pem").toString());
            assertEquals(2, missing.exitCode(), missing.err());
            assertThat(missing.err(), containsString("nope.pem: no such file"));
            Cli.Run notPem = Cli.run(Map.of(), "ports", "stats", "--url", https, "--cacert", key.toString());
            assertEquals(2, notPem.exitCode(), notPem.err());
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    /** A key that is not the certificate's is refused at start, before the store: every handshake would fail. */
    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Path dir = Files.createTempDirectory("sirsi-nexus-tls-mismatch");
        SelfSignedCertificate served = SelfSignedCertificate.create(Files.createDirectory(dir.resolve("served")));
        SelfSignedCertificate other = SelfSignedCertificate.create(Files.createDirectory(dir.resolve("other")));
        Process server = new ProcessBuilder(RegistryProcess.javaExecutable(),
                "-Dquarkus.http.port=" + RegistryProcess.freePort(),
                "-Dquarkus.http.ssl-port=" + RegistryProcess.freePort(),
                "-Dquarkus.http.ssl.certificate.files=" + served.cert(),
                "-Dquarkus.http.ssl.certificate.key-files=" + other.key(),
                "-Dsirsi.ports.data-dir=" + dir.resolve("data"), "-Dsirsi.dns.port=0",
                "-jar", RegistryProcess.jar().toString(), "start")
                .redirectError(dir.resolve("stderr").toFile()).redirectOutput(dir.resolve("stdout").toFile()).start();
        try {
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the registry started with another key");
            String err = Files.readString(dir.resolve("stderr"));
            assertEquals(1, server.exitValue(), err);
            assertThat(err, containsString("cannot start: quarkus.http.ssl.certificate.key-files: " + other.key()
                    + " is not the private key of the certificate " + served.cert()));
            assertFalse(Files.exists(dir.resolve("data").resolve("registry.db")), "the store was not opened");
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * A certificate given with --cacert is trusted, not its dates: one that expired is refused (PKIX does not date the
     * trust anchor, and a self-signed certificate is its own). The server is openssl's, serving the expired one.
     */
    @Test
    void anExpiredCertificateIsRefusedThoughGivenWithCacert() throws Exception {
        Path dir = Files.createTempDirectory("sirsi-nexus-tls-expired");
        SelfSignedCertificate expired = SelfSignedCertificate.expired(dir);
        int port = RegistryProcess.freePort();
        Process server = new ProcessBuilder("openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:" + port,
                "-cert", expired.cert().toString(), "-key", expired.key().toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("s_server.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            Cli.Run refused = Cli.run(Map.of(), "ports", "stats", "--url", "https://127.0.0.1:" + port, "--cacert",
                    expired.cert().toString());
            assertEquals(6, refused.exitCode(), refused.err());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertThat(refused.err(), containsString("out of date"));
            assertThat(refused.err(), containsString("expired at 2021-01-01T00:00:00Z"));
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitHealthy(Process server, String url, Path cert, Path dir) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
                if (!server.isAlive()) {
                    throw new AssertionError("the registry exited");
                }
                return Cli.run(Map.of(), List.of("ports", "health", "--url", url, "--cacert", cert.toString())
                        .toArray(String[]::new)).exitCode() == 0;
            });
        } catch (AssertionError | ConditionTimeoutException e) {
            throw new AssertionError("the registry never served HTTPS:\n"
                    + Files.readString(dir.resolve("registry.log")), e);
        }
    }
}
