package io.sirsi.nexus.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Makes one in this directory that expired long ago (valid through 2020): openssl's {@code req} only dates from
     * now, so its {@code ca} signs the request itself, with explicit dates.
     */
    public static SelfSignedCertificate expired(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("expired-cert.pem");
        Path key = dir.resolve("expired-key.pem");
        Path request = dir.resolve("expired-req.pem");
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("serial.txt"), "01\n");
        Files.writeString(dir.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = self", "[self]",
                "database = index.txt", "new_certs_dir = .", "serial = serial.txt", "default_md = sha256",
                "policy = anything", "x509_extensions = names", "[anything]", "commonName = supplied", "[names]",
                "subjectAltName = DNS:localhost,IP:127.0.0.1", "basicConstraints = critical,CA:true", ""));
        run(dir, "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                key.toString(), "-out", request.toString());
        run(dir, "openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key.toString(), "-in",
                request.toString(), "-out", cert.toString(), "-startdate", "20200101000000Z", "-enddate",
                "20210101000000Z", "-notext");
        return new SelfSignedCertificate(cert, key);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (openssl.waitFor() != 0) {
            throw new IllegalStateException("openssl could not make a certificate: " + said);
        }
    }
}
