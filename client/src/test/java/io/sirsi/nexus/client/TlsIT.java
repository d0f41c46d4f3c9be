package io.sirsi.nexus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** HTTPS with a private CA: trusted with {@code trustedCertificates}, refused without, an unreadable file said. */
class TlsIT {

    @Test
    void theClientTrustsOnlyTheGivenCa() throws Exception {
        Path dir = Files.createTempDirectory("client-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor(), new String(openssl.getInputStream().readAllBytes()));
        int httpsPort = RegistryProcess.freePort();
        // readiness is checked on plain HTTP (its port); the client speaks HTTPS only
        try (RegistryProcess registry = RegistryProcess.start(dir.resolve("data"), RegistryProcess.freePort(),
                "-Dquarkus.http.ssl-port=" + httpsPort, "-Dquarkus.http.ssl.certificate.files=" + cert,
                "-Dquarkus.http.ssl.certificate.key-files=" + key)) {
            String https = "https://127.0.0.1:" + httpsPort; // the registry listens on 127.0.0.1 alone
            SirsiNexusClient trusting = SirsiNexusClient.builder().baseUrls(https).trustedCertificates(cert).build();
            assertEquals("secure", trusting.allocate(AllocationRequest.of("secure", "rest-api")).serviceName());

            SirsiNexusClient untrusting = SirsiNexusClient.builder().baseUrls(https).build();
            assertThrows(RegistryUnavailableException.class, untrusting::health);

            IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class,
                    () -> SirsiNexusClient.builder().trustedCertificates(key));
            assertTrue(notPem.getMessage().contains(key.toString()), notPem.getMessage());
        }
    }
}
