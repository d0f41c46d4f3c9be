package io.sirsi.nexus.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by openssl as the README's HTTPS set-up makes it: the
 * registry serves it, and a client trusts it as its private CA.
 *
 * @param cert the certificate, PEM
 * @param key its private key, PEM
 */
public record SelfSignedCertificate(Path cert, Path key) {

    /** Makes one in this directory ({@code cert.pem}, {@code key.pem}), valid for two days. */
    public static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl could not make a certificate: " + said);
        }
        return new SelfSignedCertificate(cert, key);
    }
}
