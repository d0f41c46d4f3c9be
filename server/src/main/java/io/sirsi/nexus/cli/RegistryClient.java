package io.sirsi.nexus.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.sirsi.nexus.wire.EventView;
import io.sirsi.nexus.wire.Problem;
import io.sirsi.nexus.wire.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The one part of the registry's API the CLI does not reach through the client library (io.sirsi.nexus.client) yet:
 * the change stream, which {@code ports watch} follows with its own resume and messages. Every other command goes
 * through the library. Failures become {@link CliException}s with a one-line message.
 *
 * <p>{@link HttpURLConnection}, not {@code java.net.http}: a client command is mostly JVM start-up, and the
 * older client starts in a fraction of the time (no selector thread, no SSL context unless https is asked for).
 * A streaming endpoint ({@code /ports/events}) would take {@link #open}'s checked connection and read its lines.
 */
public final class RegistryClient {

    /**
     * Plain Jackson with the registry's field names; it tolerates fields it does not know (newer registries). Of
     * the Java time types only {@link Instant}, which the registry writes as ISO-8601 text, read by
     * {@link Instant#parse} when a reply has one: Jackson's JavaTimeModule builds all its formatters up front, which
     * measured as a third of a client command's run.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(WireFormat.NAMING)
            .registerModule(new SimpleModule().addDeserializer(Instant.class, new IsoInstant())
                    .addSerializer(Instant.class, new ToStringSerializer(Instant.class)))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final URI base;
    private final Optional<String> apiKey;
    private final Duration timeout;
    private final Optional<SSLSocketFactory> trusted;

    public RegistryClient(URI base, Optional<String> apiKey, Duration timeout) {
        this(base, apiKey, timeout, Optional.empty());
    }

    /** @param trusted the certificates to trust for https, instead of the JDK's CAs ({@code --cacert}) */
    public RegistryClient(URI base, Optional<String> apiKey, Duration timeout, Optional<SSLSocketFactory> trusted) {
        this.base = base;
        this.apiKey = apiKey.isPresent() && !apiKey.get().isBlank() ? apiKey : Optional.empty();
        this.timeout = timeout;
        this.trusted = trusted;
    }

    /**
     * Opens {@code GET /ports/events} (query already encoded), resuming after {@code lastEventId} when given. The
     * connection's reads time out after {@code idle}: the registry sends a comment every 15 s, so a longer silence
     * means the connection is dead even if no one closed it.
     */
    HttpURLConnection openEvents(String query, java.util.OptionalLong lastEventId, Duration idle) {
        return open("GET", "ports/events" + query, null, false, connection -> {
            connection.setRequestProperty("Accept", "text/event-stream, application/problem+json");
            connection.setReadTimeout((int) idle.toMillis());
            lastEventId.ifPresent(id -> connection.setRequestProperty("Last-Event-ID", Long.toString(id)));
        });
    }

    /** Reads one change-log event's {@code data} as the stream and the history write it. */
    static EventView event(String json) throws JsonProcessingException {
        return JSON.readValue(json, EventView.class);
    }

    /** {@code ?a=1&b=2} from the pairs whose value is present, percent-encoded; empty when none is. */
    static String query(String... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                query.append(query.length() == 0 ? '?' : '&').append(namesAndValues[i]).append('=')
                        .append(segment(namesAndValues[i + 1]));
            }
        }
        return query.toString();
    }

    public URI base() {
        return base;
    }

    /** Percent-encodes a user-given value for use as one path segment. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends a request and returns the connection once its status is known to be a success (or a 503 the caller
     * reads as an answer); any other status becomes the {@link CliException} with the registry's own message.
     */
    HttpURLConnection open(String method, String path, Object body, boolean unavailableAnswers) {
        return open(method, path, body, unavailableAnswers, connection -> { });
    }

    /** {@link #open}, with the request adjusted before it is sent (headers, timeouts). */
    HttpURLConnection open(String method, String path, Object body, boolean unavailableAnswers,
            java.util.function.Consumer<HttpURLConnection> adjust) {
        HttpURLConnection connection;
        byte[] bytes;
        try {
            bytes = body == null ? null : JSON.writeValueAsBytes(body);
            connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            if (connection instanceof HttpsURLConnection https && trusted.isPresent()) {
                https.setSSLSocketFactory(trusted.get());
            }
            connection.setRequestMethod(method);
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setRequestProperty("Accept", "application/json, application/problem+json");
            if (apiKey.isPresent()) {
                connection.setRequestProperty("Authorization", "Bearer " + apiKey.get());
            }
            if (bytes != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(bytes.length);
                connection.setRequestProperty("Content-Type", "application/json");
            }
            adjust.accept(connection);
        } catch (IOException e) {
            throw failedExchange(e);
        }
        try {
            connection.connect();
        } catch (ConnectException | SocketTimeoutException e) {
            throw unreachable("connection refused or timed out");
        } catch (IOException e) {
            throw failedExchange(e);
        }
        int status;
        try {
            if (bytes != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(bytes);
                }
            }
            status = connection.getResponseCode();
        } catch (IOException e) {
            throw failedExchange(e);
        }
        if (status >= 400 && !(unavailableAnswers && status == 503)) {
            throw refused(connection, status);
        }
        return connection;
    }

    private CliException refused(HttpURLConnection connection, int status) {
        String message = "the registry answered HTTP " + status;
        try (InputStream in = connection.getErrorStream()) {
            Problem problem = in == null ? null : JSON.readValue(in, Problem.class);
            if (problem != null) {
                for (String text : new String[] {problem.detail(), problem.message()}) {
                    if (text != null && !text.isBlank()) {
                        message = text;
                        break;
                    }
                }
            }
        } catch (IOException notAProblem) {
            // the status says enough
        }
        if (status == 401) {
            message += " (give a key with --api-key or SIRSI_NEXUS_API_KEY)";
        }
        return new CliException(ExitCode.forStatus(status), message);
    }

    private CliException failedExchange(IOException e) {
        if (e instanceof SSLException) {
            return unreachable("TLS failed, the registry's certificate cannot be verified (" + innermost(e) + "); give"
                    + " the CA that signed it with --cacert FILE or SIRSI_NEXUS_CACERT");
        }
        if (e instanceof SocketTimeoutException) {
            return unreachable("no answer within " + timeout.toSeconds() + "s");
        }
        if (e instanceof UnknownHostException) {
            return unreachable("unknown host " + e.getMessage());
        }
        return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private CliException unreachable(String why) {
        return new CliException(ExitCode.UNREACHABLE, "cannot reach the registry at " + base + ": " + why
                + " (start one with 'sirsi-nexus start', or point --url / SIRSI_NEXUS_URL at it)");
    }

    /** An ISO-8601 instant, as the registry writes {@code allocated_at} and {@code last_heartbeat}. */
    private static final class IsoInstant extends StdScalarDeserializer<Instant> {

        IsoInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            try {
                return text == null ? null : Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text, e.getMessage());
            }
        }
    }
}
