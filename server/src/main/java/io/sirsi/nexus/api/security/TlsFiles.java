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
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
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
 * within {@link #SOON}, is a WARN (refusing would turn a missed renewal into an outage at the next restart). A file
 * that cannot be read, holds no certificate or no key, or a certificate and key given the other way round, refuses
 * the start in one line too (Quarkus refused them only after the store had opened, with a stack trace). Keys are
 * compared when they are PKCS #8 or PKCS #1 (RSA); others are left to Quarkus ({@link #keyOf}).
 */
@ApplicationScoped
public class TlsFiles {

    private static final Logger LOG = Logger.getLogger(TlsFiles.class);
    static final Duration SOON = Duration.ofDays(14);
    private static final byte[] PROBE = "sirsi-nexus".getBytes(StandardCharsets.US_ASCII);
    private static final String CERTIFICATES = "quarkus.http.ssl.certificate.files";
    private static final String KEYS = "quarkus.http.ssl.certificate.key-files";
    private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
    /** The end of every PEM private key's first marker, whatever its kind. */
    private static final String PRIVATE_KEY = "PRIVATE KEY-----";
    private static final String BEGIN_PKCS8 = "-----BEGIN PRIVATE KEY-----";
    private static final String END_PKCS8 = "-----END PRIVATE KEY-----";
    private static final String BEGIN_PKCS1 = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String END_PKCS1 = "-----END RSA PRIVATE KEY-----";

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
        String certificateText = read(CERTIFICATES, certificateFile);
        if (certificateText.contains(PRIVATE_KEY) && !certificateText.contains(BEGIN_CERTIFICATE)) {
            throw new IllegalArgumentException(CERTIFICATES + ": " + certificateFile + " holds a private key, not a"
                    + " certificate; are the certificate and the key (" + KEYS + ": " + keyFile + ") given the"
                    + " other way round?");
        }
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException unreadable) {
            throw new IllegalArgumentException(CERTIFICATES + ": " + certificateFile + " holds no X.509 certificate"
                    + " (expected PEM, " + BEGIN_CERTIFICATE + "...)");
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
        String keyText = read(KEYS, keyFile);
        if (!keyText.contains(PRIVATE_KEY)) {
            throw new IllegalArgumentException(KEYS + ": " + keyFile + " holds no PEM private key (expected "
                    + BEGIN_PKCS8 + ", -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
        }
        if (!keyOf(certificate, keyText)) {
            throw new IllegalArgumentException(KEYS + ": " + keyFile + " is not the private key of the certificate "
                    + certificateFile + " (" + subject + "): every TLS handshake would fail; give the key the"
                    + " certificate was made for");
        }
    }

    private static String read(String setting, Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes: a DER file is read too
        } catch (IOException unreadable) {
            throw new IllegalArgumentException(setting + ": cannot read " + file + " (" + (Files.exists(file)
                    ? "not a readable file" : "no such file") + ")");
        }
    }

    /**
     * Whether the key is the certificate's, for the kinds this check reads: PKCS #8 ({@code BEGIN PRIVATE KEY},
     * what openssl writes) and PKCS #1 ({@code BEGIN RSA PRIVATE KEY}, what older tools and many CAs' guides
     * write), the JDK's own parsers for the one, the RSA modulus read from the DER for the other. An encrypted key or
     * an SEC1 EC key ({@code BEGIN EC PRIVATE KEY}) is left to Quarkus.
     */
    private static boolean keyOf(X509Certificate certificate, String pem) {
        PublicKey publicKey = certificate.getPublicKey();
        Optional<byte[]> pkcs1 = der(pem, BEGIN_PKCS1, END_PKCS1);
        if (pkcs1.isPresent()) {
            return publicKey instanceof RSAPublicKey rsa && RsaKeys.sameModulus(pkcs1.get(), rsa);
        }
        Optional<byte[]> pkcs8 = der(pem, BEGIN_PKCS8, END_PKCS8);
        if (pkcs8.isEmpty()) {
            return true; // not one this check reads
        }
        try {
            PrivateKey key = KeyFactory.getInstance(publicKey.getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8.get()));
            return matches(key, certificate);
        } catch (GeneralSecurityException otherAlgorithm) {
            return false; // a key of another algorithm than the certificate's, or none at all
        }
    }

    /** The DER between a PEM block's markers; empty when there is no such block, or it is not Base64. */
    private static Optional<byte[]> der(String pem, String beginMarker, String endMarker) {
        int begin = pem.indexOf(beginMarker);
        int end = pem.indexOf(endMarker);
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getMimeDecoder().decode(pem.substring(begin + beginMarker.length(), end)));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
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
