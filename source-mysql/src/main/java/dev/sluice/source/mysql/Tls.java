package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import dev.sluice.FatalException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Applies a source's TLS settings to its JDBC connections (MariaDB Connector/J's {@code sslMode} and
 * {@code serverSslCert}) and to its binlog connection (the connector library's SSL mode, with a socket factory that
 * trusts the given certificates, or the JVM's trust store without them). Stateless.
 */
final class Tls {

    private Tls() {}

    static void jdbc(Properties p, TlsMode mode, Path trusted) {
        switch (mode) {
            case DISABLED -> p.setProperty("sslMode", "disable");
            case VERIFY_CA -> p.setProperty("sslMode", "verify-ca");
            case VERIFY_IDENTITY -> p.setProperty("sslMode", "verify-full");
        }
        if (mode != TlsMode.DISABLED && trusted != null) {
            p.setProperty("serverSslCert", trusted.toAbsolutePath().toString());
        }
    }

    static void binlog(BinaryLogClient client, TlsMode mode, Path trusted, String host, int port) {
        if (mode == TlsMode.DISABLED) {
            client.setSSLMode(SSLMode.DISABLED);
            return;
        }
        // the factory's socket checks the chain, and for VERIFY_IDENTITY the host name by the JDK's rules (which,
        // unlike the library's own check, know IP addresses in subjectAltName): the library need not check again
        client.setSSLMode(SSLMode.VERIFY_CA);
        SSLContext context = context(trusted);
        client.setSslSocketFactory((Socket socket) -> {
            try {
                SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
                if (mode == TlsMode.VERIFY_IDENTITY) {
                    SSLParameters parameters = ssl.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(parameters);
                }
                return ssl;
            } catch (IOException e) {
                SocketException failure = new SocketException("could not start TLS: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
        });
    }

    /** An SSL context trusting the certificates in a PEM file, or the JVM's defaults without one. */
    private static SSLContext context(Path trusted) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(trusted)) {
                    int i = 0;
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("trusted-" + i++, certificate);
                    }
                }
                trust.init(store);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new FatalException("cannot read the trusted certificates " + trusted + ": " + e.getMessage()
                    + ". Fix: trustedCertificates(…) must name a readable PEM file of X.509 certificates", e);
        }
    }

    /** True if the failure is a TLS handshake or certificate failure somewhere in its causes. */
    static boolean isVerificationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            // the JDK's and MariaDB Connector/J's words for an untrusted or misnamed server certificate
            if (t instanceof SSLHandshakeException || t instanceof CertificateException || message.contains("pkix")
                    || message.contains("certificate") || message.contains("subject alternative")) {
                return true;
            }
        }
        return false;
    }
}
