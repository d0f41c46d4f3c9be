package io.sirsi.nexus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** {@code --cacert}: the CA certificates of a PEM file as the only ones trusted, as curl's option of that name. */
final class TrustedCertificates {

    private TrustedCertificates() {
    }

    static SSLContext load(String file) {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new CliException(ExitCode.USAGE, "--cacert " + path + " is a directory; give the PEM file in it");
        }
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(path)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "--cacert " + path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.USAGE, "--cacert " + path + ": permission denied");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read --cacert " + path + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCode.USAGE, "--cacert " + path + " holds no PEM certificate: "
                    + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "--cacert " + path + " holds no PEM certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot use --cacert " + path + ": " + e.getMessage());
        }
    }
}
