package io.sirsi.nexus.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The HTTP side of the client: one JDK {@link HttpClient}, the base URLs with failover, the API key, JSON both ways,
 * and problem+json answers turned into {@link RegistryException}s. A request goes to the URL that answered last; when
 * that one cannot be reached (connection refused, no answer in time) or answers 503, or a proxy in front of it
 * answers 502 or 504 (it cannot reach the registry), the next one is tried, once each, so a client of several
 * replicas follows whichever is up.
 */
final class Transport {

    static final String REVISION_HEADER = "X-Sirsi-Index";

    private final List<URI> baseUrls;
    private final String apiKey;
    private final Duration requestTimeout;
    private final ClosableHttpClient closable;
    private final HttpClient http;
    private final ObjectMapper json;
    private final AtomicInteger current = new AtomicInteger();
    private final Consumer<RegistryAnswer> answers;
    private volatile boolean closed;

    Transport(List<URI> baseUrls, String apiKey, Duration connectTimeout, Duration requestTimeout,
            javax.net.ssl.SSLContext tls, Consumer<RegistryAnswer> answers) {
        this.answers = answers;
        this.baseUrls = List.copyOf(baseUrls);
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout);
        if (tls != null) {
            builder.sslContext(tls);
        } else if (plainHttpOnly(this.baseUrls)) {
            builder.sslContext(PlainHttpOnly.context()); // not the JDK's default, costly to set up and never used
        }
        this.closable = ClosableHttpClient.build(builder);
        this.http = closable.http();
        this.json = mapper();
    }

    /** Ends the JDK client: its connections and its selector thread. Requests made afterwards are refused. */
    void close() {
        closed = true;
        closable.close();
    }

    boolean isClosed() {
        return closed;
    }

    private void refuseWhenClosed() {
        if (closed) {
            throw new IllegalStateException("this SirsiNexusClient is closed");
        }
    }

    /** Whether no URL is {@code https}: a loop, not a stream, as each lambda costs a short-lived client's start. */
    private static boolean plainHttpOnly(List<URI> urls) {
        for (URI url : urls) {
            if ("https".equalsIgnoreCase(url.getScheme())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The wire's JSON: snake_case names, and fields a newer registry adds are ignored. Of the time types only
     * {@link Instant}, as ISO-8601 text both ways (an agent's report carries one): read by {@link Instant#parse} and
     * written by its {@code toString}, without Jackson's JavaTimeModule (another dependency, and slow to set up).
     */
    static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new SimpleModule().addDeserializer(Instant.class, new IsoInstant())
                        .addSerializer(Instant.class, new ToStringSerializer(Instant.class)))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** An ISO-8601 instant ({@code 2026-01-02T03:04:05.678Z}). */
    private static final class IsoInstant extends StdScalarDeserializer<Instant> {

        IsoInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text != null) {
                try {
                    return Instant.parse(text);
                } catch (DateTimeParseException e) {
                    // reported below, as Jackson reports a value it cannot read
                }
            }
            return (Instant) context.handleWeirdStringValue(Instant.class, String.valueOf(text),
                    "not an ISO-8601 instant");
        }
    }

    ObjectMapper json() {
        return json;
    }

    /** An answer read as JSON, with the revision it is at least as new as (-1 when the registry did not say). */
    record Answer<T>(T body, long revision, HttpResponse<byte[]> response) {
    }

    <T> T get(String path, Map<String, Object> query, Class<T> type) {
        return this.<T>send("GET", path, query, null, json.constructType(type)).body();
    }

    <T> T get(String path, Map<String, Object> query, JavaType type) {
        return this.<T>send("GET", path, query, null, type).body();
    }

    /** A GET whose 503 is an answer as well, read as the type (the health report says so with the same body). */
    <T> T getEvenUnavailable(String path, Class<T> type) {
        return this.<T>send("GET", path, Map.of(), null, json.constructType(type), true).body();
    }

    <T> Answer<T> getWithRevision(String path, Map<String, Object> query, JavaType type) {
        return send("GET", path, query, null, type);
    }

    <T> T post(String path, Map<String, Object> query, Object body, Class<T> type) {
        return this.<T>send("POST", path, query, body, json.constructType(type)).body();
    }

    JavaType listOf(Class<?> element) {
        return json.getTypeFactory().constructCollectionType(List.class, element);
    }

    JavaType mapOf(Class<?> value) {
        return json.getTypeFactory().constructMapType(Map.class, String.class, value);
    }

    private <T> Answer<T> send(String method, String path, Map<String, Object> query, Object body, JavaType type) {
        return send(method, path, query, body, type, false);
    }

    private <T> Answer<T> send(String method, String path, Map<String, Object> query, Object body, JavaType type,
            boolean unavailableAnswers) {
        refuseWhenClosed();
        byte[] bytes = body == null ? null : write(body);
        RegistryUnavailableException unavailable = null;
        int first = current.get();
        for (int tried = 0; tried < baseUrls.size(); tried++) {
            int index = (first + tried) % baseUrls.size();
            HttpRequest.Builder request = request(index, path, query).timeout(requestTimeout);
            request = bytes == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                    : request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                unavailable = new RegistryUnavailableException("no answer from " + baseUrls.get(index) + ": "
                        + describe(e), e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while waiting for the registry", e);
            }
            if (unavailable(response.statusCode()) && tried + 1 < baseUrls.size()) {
                unavailable = (RegistryUnavailableException) problem(response);
                continue;
            }
            current.set(index);
            if (answers != null) {
                answers.accept(new RegistryAnswer(response.statusCode(), response.headers(), response.body(), json));
            }
            if (response.statusCode() >= 300 && !(unavailableAnswers && response.statusCode() == 503)) {
                throw problem(response);
            }
            return new Answer<>(read(response, type), revision(response), response);
        }
        throw unavailable;
    }

    /** Opens a streaming GET (the change stream) on the first base URL that answers, starting with the current. */
    HttpResponse<InputStream> stream(String path, Map<String, Object> query, Map<String, String> headers)
            throws IOException, InterruptedException {
        refuseWhenClosed();
        IOException failure = null;
        int first = current.get();
        for (int tried = 0; tried < baseUrls.size(); tried++) {
            int index = (first + tried) % baseUrls.size();
            HttpRequest.Builder request = request(index, path, query).timeout(requestTimeout).GET()
                    .header("Accept", "text/event-stream");
            headers.forEach(request::header);
            try {
                HttpResponse<InputStream> response = http.send(request.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (unavailable(response.statusCode()) && tried + 1 < baseUrls.size()) {
                    response.body().close();
                    continue;
                }
                current.set(index);
                return response;
            } catch (IOException e) {
                failure = e;
            }
        }
        throw failure != null ? failure : new IOException("every registry answered 503");
    }

    /**
     * Whether a status says this URL cannot serve now, and another may: the registry unavailable (503), or a proxy in
     * front of it that cannot reach it (502 Bad Gateway, 504 Gateway Timeout).
     */
    static boolean unavailable(int status) {
        return status == 503 || status == 502 || status == 504;
    }

    /** The exception a non-2xx answer stands for, from its problem+json body (or its status alone). */
    RegistryException problem(HttpResponse<byte[]> response) {
        return problem(response.statusCode(), response.headers(), response.body());
    }

    /** The exception an answer with this status, headers and body stands for. */
    RegistryException problem(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
        String type = null;
        String title = null;
        String detail = null;
        if (bytes != null && bytes.length > 0) {
            try {
                JsonNode problem = json.readTree(bytes);
                type = text(problem, "type");
                title = text(problem, "title");
                detail = Optional.ofNullable(text(problem, "detail")).orElse(text(problem, "message"));
            } catch (IOException notJson) {
                detail = new String(bytes, StandardCharsets.UTF_8).strip();
            }
        }
        if (detail == null || detail.isBlank()) {
            detail = "the registry answered HTTP " + status;
        }
        return switch (status) {
            case 400 -> new InvalidRequestException(status, type, title, detail);
            case 401, 403 -> new AccessDeniedException(status, type, title, detail);
            case 404 -> new NotFoundException(status, type, title, detail);
            case 409 -> new ConflictException(status, type, title, detail);
            case 410 -> new RevisionCompactedException(status, type, title, detail);
            case 429 -> new RateLimitedException(status, type, title, detail, headers
                    .firstValue("Retry-After").flatMap(Transport::seconds).orElse(null));
            case 502, 503, 504 -> new RegistryUnavailableException(status, type, title, detail);
            default -> new RegistryException(status, type, title, detail);
        };
    }

    private HttpRequest.Builder request(int index, String path, Map<String, Object> query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(baseUrls.get(index), path, query))
                .header("Accept", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    static URI uri(URI base, String path, Map<String, Object> query) {
        String root = base.toString().replaceAll("/+$", "");
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return URI.create(root + path + parameters);
    }

    /** A path segment from a caller's value (a service name), escaped so that it stays one segment. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(HttpResponse<byte[]> response, JavaType type) {
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new RegistryException(response.statusCode(), null, null,
                    "the registry's answer is not the JSON expected: " + e.getMessage());
        }
    }

    private static long revision(HttpResponse<?> response) {
        return response.headers().firstValue(REVISION_HEADER).flatMap(Transport::number).orElse(-1L);
    }

    private static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String text) {
        return number(text).map(Duration::ofSeconds);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
