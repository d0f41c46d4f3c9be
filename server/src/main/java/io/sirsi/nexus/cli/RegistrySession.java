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
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One client command's link to the registry: the client library's {@link SirsiNexusClient}, the last answer as it
 * came (for {@code -o json} and headers), and the client's failures turned into the CLI's one-line messages and exit
 * codes.
 */
final class RegistrySession implements AutoCloseable {

    private final URI base;
    private final Duration timeout;
    private final SirsiNexusClient client;
    private volatile RegistryAnswer lastAnswer;

    RegistrySession(URI base, Optional<String> apiKey, Duration timeout, Optional<SSLContext> trusted) {
        this.base = base;
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
            return new CliException(ExitCode.FAILED, "the registry at " + base + " answered HTTP " + status
                    + " with a body that is not its JSON; is --url pointing at sirsi-nexus?");
        }
        // a proxy's error page is no message: its status says enough
        String message = lastAnswer != null && lastAnswer.status() == status && !lastAnswer.isJson()
                ? "the registry answered HTTP " + status : e.getMessage();
        if (status == 401) {
            message += " (give a key with --api-key or SIRSI_NEXUS_API_KEY)";
        }
        return new CliException(ExitCode.forStatus(status), message);
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

    private static String innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
