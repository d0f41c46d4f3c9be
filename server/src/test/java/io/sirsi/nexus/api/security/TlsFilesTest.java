package io.sirsi.nexus.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** PKCS #1 ({@code BEGIN RSA PRIVATE KEY}), as older tools write it, is compared too: it was let through. */
    @Test
    void aPkcs1KeyIsComparedWithTheCertificate() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.create(Files.createTempDirectory("tls-one"));
        SelfSignedCertificate other = SelfSignedCertificate.create(Files.createTempDirectory("tls-other"));
        Path ownKey = pkcs1(one.key());
        Path otherKey = pkcs1(other.key());
        assertTrue(Files.readString(ownKey).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        checker().check(one.cert(), ownKey);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> checker().check(one.cert(), otherKey));
        assertTrue(refused.getMessage().startsWith("quarkus.http.ssl.certificate.key-files: " + otherKey
                + " is not the private key of the certificate " + one.cert()), refused.getMessage());
    }

    @Test
    void filesGivenTheOtherWayRoundAreSaidToBe() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(Files.createTempDirectory("tls-swapped"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> checker().check(tls.key(), tls.cert()));
        assertEquals("quarkus.http.ssl.certificate.files: " + tls.key() + " holds a private key, not a certificate;"
                + " are the certificate and the key (quarkus.http.ssl.certificate.key-files: " + tls.cert() + ")"
                + " given the other way round?", refused.getMessage());
    }

    @Test
    void aFileThatIsNotThereOrHoldsNoKeyIsNamed() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(Files.createTempDirectory("tls-missing"));
        Path missing = tls.key().resolveSibling("no-such.pem");
        assertEquals("quarkus.http.ssl.certificate.key-files: cannot read " + missing + " (no such file)",
                assertThrows(IllegalArgumentException.class, () -> checker().check(tls.cert(), missing))
                        .getMessage());
        Path notAKey = Files.writeString(tls.key().resolveSibling("not-a-key.pem"), "hello\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> checker().check(tls.cert(), notAKey))
                .getMessage().startsWith("quarkus.http.ssl.certificate.key-files: " + notAKey
                        + " holds no PEM private key"));
    }

    /** The key in PKCS #1, as {@code openssl rsa -traditional} writes it. */
    private static Path pkcs1(Path pkcs8) throws Exception {
        Path out = pkcs8.resolveSibling("key-pkcs1.pem");
        Process openssl = new ProcessBuilder("openssl", "rsa", "-in", pkcs8.toString(), "-traditional", "-out",
                out.toString()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), said);
        return out;
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
