package io.sirsi.nexus.api.security;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.LoggedMessages;
import io.sirsi.nexus.testing.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTPS files, as openssl makes them: a key that is not the certificate's refuses the start; age warns. */
class TlsFilesTest {

    private static TlsFiles checker() {
        return new TlsFiles(List.of(), List.of(), Clock.systemUTC());
    }

    @Test
    void aKeyThatIsNotTheCertificatesRefusesTheStartNamingBoth() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.create(Files.createTempDirectory("tls-one"));
        SelfSignedCertificate other = SelfSignedCertificate.create(Files.createTempDirectory("tls-other"));

        checker().check(one.cert(), one.key()); // its own key: nothing to say
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> checker().check(one.cert(), other.key()));
        assertTrue(refused.getMessage().startsWith("quarkus.http.ssl.certificate.key-files: " + other.key()
                + " is not the private key of the certificate " + one.cert()), refused.getMessage());
    }

    @Test
    void anExpiredCertificateIsAWarningNotARefusal() throws Exception {
        Path dir = Files.createTempDirectory("tls-expired");
        SelfSignedCertificate expired = SelfSignedCertificate.expired(dir);
        LoggedMessages log = LoggedMessages.of(TlsFiles.class);
        log.attach();
        try {
            checker().check(expired.cert(), expired.key());
        } finally {
            log.detach();
        }
        assertTrue(log.messages().stream().anyMatch(message -> message.contains("expired at")), log.messages()
                .toString());
    }
}
