package io.sirsi.nexus.cli;

import io.sirsi.nexus.client.RegistryAnswer;
import io.sirsi.nexus.client.RegistryException;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One client command's link to the registry: the client library's {@link SirsiNexusClient}, the last answer as it
 * came (for {@code -o json} and headers), and the client's failures turned into the CLI's one-line messages and exit
 * codes.
 */
final class RegistrySession implements AutoCloseable {

    /** The statuses a proxy in front of the registry answers with a page of its own: they say enough by themselves. */
    private static final Set<Integer> ANSWERED_BY_A_PROXY = Set.of(401, 403, 429, 502, 503, 504);

    private final URI base;
    private final boolean keySent;
    private final Duration timeout;
    private final SirsiNexusClient client;
    private volatile RegistryAnswer lastAnswer;

    RegistrySession(URI base, Optional<String> apiKey, Duration timeout, Optional<SSLContext> trusted) {
        this.base = base;
        this.keySent = apiKey.isPresent();
        this.timeout = timeout;
        SirsiNexusClient.Builder builder = SirsiNexusClient.builder().baseUrls(base.toString())
                .apiKey(apiKey.orElse(null)).connectTimeout(timeout).requestTimeout(timeout)
                .onAnswer(answer -> lastAnswer = answer);
        trusted.ifPresent(builder::sslContext);
        this.client = builder.build();
    }

    SirsiNexusClient client() {
        return client;
    }

    URI base() {
        return base;
    }

    /** The registry's last answer as it came. */
    RegistryAnswer lastAnswer() {
        if (lastAnswer == null) {
            throw new IllegalStateException("no answer yet");
        }
        return lastAnswer;
    }

    /**
     * Ends the client when the command is done: its HTTP selector thread would otherwise hold the JVM's exit for
     * 0.3 s (docs/decisions.md, "A client command closes its client").
     */
    @Override
    public void close() {
        client.close();
    }

    /** The failure as the CLI reports it: the registry's own message, or why it could not be reached. */
    CliException failure(RegistryException e) {
        int status = e.status();
        if (status == 0) {
            return unreachable(why(e.getCause() == null ? e : e.getCause()));
        }
        if (status < 300) {
            return notARegistry(status, "with a body that is not its JSON");
        }
        if (status == 414 || status == 431) { // refused before any route: no answer of the registry's own
            return new CliException(ExitCode.INVALID, "the registry refused the request as too long (HTTP " + status
                    + "): a name or value on the command line is too long");
        }
        String message = e.getMessage();
        if (lastAnswer != null && lastAnswer.status() == status && !isProblem(lastAnswer)) {
            if (!ANSWERED_BY_A_PROXY.contains(status)) { // no registry answers so: something else is at --url
                return notARegistry(status, "without the registry's problem+json");
            }
            // a proxy's error page is no message: its status says enough
            message = "the registry answered HTTP " + status;
        }
        if (status == 401 && !keySent) {
            message += " (give a key with --api-key or SIRSI_NEXUS_API_KEY)";
        }
        return new CliException(ExitCode.forStatus(status), message);
    }

    /** Every error of the registry's own is {@code application/problem+json} (docs/decisions.md, "Errors"). */
    private static boolean isProblem(RegistryAnswer answer) {
        return answer.isJson() && answer.header("Content-Type").filter(type -> type.contains("problem+json"))
                .isPresent();
    }

    /** Whatever answered at --url is not a sirsi-nexus registry: as unreachable as a registry that is not there. */
    private CliException notARegistry(int status, String how) {
        return new CliException(ExitCode.UNREACHABLE, "the server at " + base + " answered HTTP " + status + " " + how
                + "; is --url pointing at sirsi-nexus?");
    }

    /** A failure that is not the registry's answer (a connection that could not be made) as the CLI reports it. */
    CliException failure(Throwable cause) {
        return cause instanceof RegistryException refused ? failure(refused) : unreachable(why(cause));
    }

    /** Why a watch's stream broke or could not be opened again, in a few words for its "resuming" line. */
    String interruption(Throwable cause) {
        return cause instanceof RegistryException refused ? failure(refused).getMessage() : why(cause);
    }

    private String why(Throwable cause) {
        // the JDK's words for a plain-HTTP answer to its TLS hello ("Unrecognized SSL message, plaintext
        // connection?") and for a TLS port that closed on its plain request
        if (has(cause, SSLException.class) && says(cause, "nrecognized SSL message")) {
            return "the server does not speak TLS on this port; if it serves plain HTTP, use http:// in --url";
        }
        if ("http".equals(base.getScheme()) && says(cause, "header parser received no bytes")) {
            return "the connection closed without an answer; if the registry serves TLS on this port, use https://"
                    + " in --url";
        }
        if (has(cause, CertificateExpiredException.class) || has(cause, CertificateNotYetValidException.class)) {
            return "TLS failed, the registry's certificate is out of date (" + innermost(cause) + "); renew it";
        }
        if (has(cause, SSLException.class)) {
            return "TLS failed, the registry's certificate cannot be verified (" + innermost(cause) + "); give the CA"
                    + " that signed it with --cacert FILE or SIRSI_NEXUS_CACERT";
        }
        if (has(cause, UnknownHostException.class) || has(cause, UnresolvedAddressException.class)) {
            return "unknown host " + base.getHost();
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
            return "connection refused or timed out";
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toSeconds() + "s";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    CliException unreachable(String why) {
        return new CliException(ExitCode.UNREACHABLE, "cannot reach the registry at " + base + ": " + why
                + " (start one with 'sirsi-nexus start', or point --url / SIRSI_NEXUS_URL at it)");
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the failure or one of its causes says this. */
    private static boolean says(Throwable e, String text) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
