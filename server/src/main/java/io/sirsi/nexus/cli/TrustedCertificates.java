package io.sirsi.nexus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** {@code --cacert}: the CA certificates of a PEM file as the only ones trusted, as curl's option of that name. */
final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /**
     * The JDK's checks, and every certificate of the server's chain in date: PKIX does not date a trust anchor, so a
     * self-signed certificate given with {@code --cacert} (the server's own) was trusted however long expired, where
     * curl refuses it.
     */
    private static final class InDate extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        InDate(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        private static void inDate(X509Certificate[] chain) throws CertificateException {
            for (X509Certificate certificate : chain) {
                try {
                    certificate.checkValidity();
                } catch (CertificateExpiredException e) {
                    throw new CertificateExpiredException("the certificate " + certificate.getSubjectX500Principal()
                            + " expired at " + certificate.getNotAfter().toInstant());
                } catch (CertificateNotYetValidException e) {
                    throw new CertificateNotYetValidException("the certificate "
                            + certificate.getSubjectX500Principal() + " is not valid before "
                            + certificate.getNotBefore().toInstant());
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            inDate(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            inDate(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            inDate(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
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
            TrustManager[] managers = trust.getTrustManagers();
            for (int m = 0; m < managers.length; m++) {
                if (managers[m] instanceof X509ExtendedTrustManager pkix) {
                    managers[m] = new InDate(pkix);
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot use --cacert " + path + ": " + e.getMessage());
        }
    }
}
