package io.sirsi.nexus.api.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The HTTPS certificate and key, looked at before the store is opened: Quarkus serves a key that is not the
 * certificate's (every handshake then fails, and clients blame their trust) and an expired certificate without a
 * word. A key that does not match refuses the start, naming both files; a certificate out of date, or expiring
 * within {@link #SOON}, is a WARN (refusing would turn a missed renewal into an outage at the next restart). A key in
 * another format than PKCS #8 ({@code BEGIN PRIVATE KEY}, what openssl writes by default) is not compared.
 */
@ApplicationScoped
public class TlsFiles {

    private static final Logger LOG = Logger.getLogger(TlsFiles.class);
    static final Duration SOON = Duration.ofDays(14);
    private static final byte[] PROBE = "sirsi-nexus".getBytes(StandardCharsets.US_ASCII);
    private static final String BEGIN_PKCS8 = "-----BEGIN PRIVATE KEY-----";
    private static final String END_PKCS8 = "-----END PRIVATE KEY-----";

    private final List<Path> certificates;
    private final List<Path> keys;
    private final Clock clock;

    @Inject // the other constructor is the tests'
    public TlsFiles(@ConfigProperty(name = "quarkus.http.ssl.certificate.files") Optional<List<String>> certificates,
            @ConfigProperty(name = "quarkus.http.ssl.certificate.key-files") Optional<List<String>> keys) {
        this(certificates.orElse(List.of()).stream().map(Path::of).toList(),
                keys.orElse(List.of()).stream().map(Path::of).toList(), Clock.systemUTC());
    }

    TlsFiles(List<Path> certificates, List<Path> keys, Clock clock) {
        this.certificates = certificates;
        this.keys = keys;
        this.clock = clock;
    }

    void check(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY - 100) StartupEvent event) {
        for (int i = 0; i < Math.min(certificates.size(), keys.size()); i++) {
            check(certificates.get(i), keys.get(i));
        }
    }

    void check(Path certificateFile, Path keyFile) {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException unreadable) {
            return; // Quarkus refuses a file it cannot read, in its own words
        }
        String subject = certificate.getSubjectX500Principal().getName();
        Instant now = clock.instant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            LOG.warnf("The HTTPS certificate %s (%s) expired at %s: clients refuse it; renew it", certificateFile,
                    subject, notAfter);
        } else if (notAfter.isBefore(now.plus(SOON))) {
            LOG.warnf("The HTTPS certificate %s (%s) expires at %s: renew it", certificateFile, subject, notAfter);
        }
        Optional<PrivateKey> key = pkcs8(keyFile, certificate.getPublicKey().getAlgorithm());
        if (key.isPresent() && !matches(key.get(), certificate)) {
            throw new IllegalArgumentException("quarkus.http.ssl.certificate.key-files: " + keyFile + " is not the"
                    + " private key of the certificate " + certificateFile + " (" + subject + "): every TLS handshake"
                    + " would fail; give the key the certificate was made for");
        }
    }

    private static Optional<PrivateKey> pkcs8(Path keyFile, String algorithm) {
        try {
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            int begin = pem.indexOf(BEGIN_PKCS8);
            int end = pem.indexOf(END_PKCS8);
            if (begin < 0 || end < begin) {
                return Optional.empty();
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_PKCS8.length(), end));
            return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException unreadable) {
            return Optional.empty(); // not one this check reads: Quarkus judges it
        }
    }

    /** Whether what the key signs, the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // not one this check can compare
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException notComparable) {
            return false;
        }
    }
}
