package io.sirsi.nexus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import io.sirsi.nexus.testing.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** HTTPS with a private CA: trusted with {@code trustedCertificates}, refused without, an unreadable file said. */
class TlsIT {

    @Test
    void theClientTrustsOnlyTheGivenCa() throws Exception {
        Path dir = Files.createTempDirectory("client-tls");
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        Path cert = certificate.cert();
        Path key = certificate.key();
        int httpsPort = RegistryProcess.freePort();
        // readiness is checked on plain HTTP (its port); the client speaks HTTPS only
        try (RegistryProcess registry = RegistryProcess.start(dir.resolve("data"), RegistryProcess.freePort(),
                "-Dquarkus.http.ssl-port=" + httpsPort, "-Dquarkus.http.ssl.certificate.files=" + cert,
                "-Dquarkus.http.ssl.certificate.key-files=" + key)) {
            String https = "https://127.0.0.1:" + httpsPort;
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
