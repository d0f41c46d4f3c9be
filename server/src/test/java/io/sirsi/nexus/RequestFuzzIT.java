package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.testing.RegistryProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Throws generated requests at every endpoint of the packaged registry: random JSON of every type in every field,
 * truncated bodies, wrong content types, random path segments with traversal and unicode. Whatever comes, the
 * answer is never a 5xx, every error is problem+json, and a rejected request leaves the registry as it was.
 */
class RequestFuzzIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("service_name", "service_type", "preferred_port", "required",
            "process_id", "allocation_id");

    private static RegistryProcess registry;
    private static HttpClient http;
    private static RawHttp.Http2 http2;
    private static String overview;

    /** How a body travels: with a Content-Length, chunked (HTTP/1.1, no length), or over h2c (no length). */
    enum Transport { LENGTH, CHUNKED, HTTP2 }

    /** One generated request. */
    record Fuzz(String method, String path, Optional<String> contentType, Optional<String> body,
            Optional<String> authorization, Transport transport) {
    }

    /** What came back, whichever way it went. */
    record Answer(int status, String contentType, String body) {
    }

    @BeforeContainer
    static void start() throws Exception {
        // Rate limits off: they would answer most of the flood with 429 before the input is even looked at. Long
        // timeouts: nothing may expire between two looks at the overview.
        registry = RegistryProcess.start(Files.createTempDirectory("sirsi-nexus-fuzz"),
                "-Dsirsi.rate-limit.enabled=false", "-Dsirsi.ports.heartbeat-timeout=1h",
                "-Dsirsi.ports.cleanup-interval=1h");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
        http2 = new RawHttp.Http2(registry.port());
        registry.request().contentType("application/json")
                .body("{\"service_name\":\"resident\",\"service_type\":\"rest-api\",\"preferred_port\":8080}")
                .post("/ports/allocate").then().statusCode(200);
        overview = overview();
    }

    @AfterContainer
    static void stop() throws Exception {
        if (http2 != null) {
            http2.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** 1500 generated requests, each followed by a look at the overview: 3000 requests, well under a minute. */
    @Property(tries = 1500)
    void noRequestBreaksTheRegistry(@ForAll("requests") Fuzz fuzz) throws Exception {
        Answer response = send(fuzz);
        int status = response.status();
        Statistics.label("status").collect(status);
        Statistics.label("transport").collect(fuzz.transport());
        assertTrue(status < 500, () -> "5xx for " + fuzz + ": " + response.body());
        String after = overview();
        if (status >= 400) {
            assertProblem(response, fuzz);
            assertEquals(overview, after, () -> "rejected with " + status + " but changed the registry: " + fuzz);
        }
        overview = after;
    }

    /**
     * Generated query strings on every read that takes parameters: any of its parameters (and unknown ones), empty,
     * repeated, with times from the first to the last instant Java knows, durations, numbers and garbage. Never a
     * 5xx (issue 22: a year of -999999999 was a 500), every error problem+json, nothing changed. (Not the event
     * stream, which answers by streaming, nor {@code index}, which holds the answer back.)
     */
    @Property(tries = 400)
    void noQueryBreaksARead(@ForAll("queries") String target) throws Exception {
        Fuzz fuzz = new Fuzz("GET", target, Optional.empty(), Optional.empty(), Optional.empty(), Transport.LENGTH);
        Answer response = send(fuzz);
        Statistics.label("status").collect(response.status());
        assertTrue(response.status() < 500, () -> "5xx for " + target + ": " + response.body());
        if (response.status() >= 400) {
            assertProblem(response, fuzz);
        }
        assertEquals(overview, overview());
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> paths = Arbitraries.of("/ports/history", "/ports/analytics", "/ports/allocations",
                "/ports/directory", "/ports/instances/resident", "/ports/service/resident", "/ports/sd/prometheus",
                "/ports/ranges", "/ports/overview", "/ports/port/8080", "/ports/type/rest-api");
        Arbitrary<String> names = Arbitraries.of("from", "to", "limit", "window", "host", "status", "service", "type",
                "port", "wait", "since", "unknown");
        Arbitrary<String> times = Arbitraries.longs().between(java.time.Instant.MIN.getEpochSecond(),
                java.time.Instant.MAX.getEpochSecond()).map(second -> java.time.Instant.ofEpochSecond(second)
                        .toString());
        Arbitrary<String> values = Arbitraries.oneOf(times, Arbitraries.of("", "-999999999-01-01T00:00:00Z",
                "+292278995-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-12-01T12:00:00Z",
                "1ms", "01h", "0s", "24h", "7d", "8d", "999999999d", "500ms", "5m", "0", "1", "1000", "1001", "-1",
                "99999999999999999999", "localhost", "Active", "Expired", "rest-api", "resident", "%00", "%ff"),
                Arbitraries.strings().ofMaxLength(30).map(RequestFuzzIT::encode));
        Arbitrary<String> parameter = Combinators.combine(names, values).as((name, value) -> name + "="
                + (value.startsWith("%") ? value : encode(value)));
        return Combinators.combine(paths, parameter.list().ofMaxSize(4)).as((path, parameters) -> parameters.isEmpty()
                ? path : path + "?" + String.join("&", parameters));
    }

    /** A field given twice, anywhere among the others, with equal or different values: 400 naming the field. */
    @Property(tries = 200)
    void aDuplicateKeyIsRefusedNamingIt(@ForAll("duplicates") Map.Entry<String, List<Map.Entry<String, String>>>
            duplicated, @ForAll("bodyTransports") Transport transport) throws Exception {
        String path = duplicated.getKey().equals("allocation_id") ? "/ports/release" : "/ports/allocate";
        Fuzz fuzz = new Fuzz("POST", path, Optional.of("application/json"),
                Optional.of(object(duplicated.getValue())), Optional.empty(), transport);
        Answer response = send(fuzz);
        assertEquals(400, response.status(), () -> fuzz + ": " + response.body());
        assertProblem(response, fuzz);
        assertTrue(JSON.readTree(response.body()).path("detail").asText().contains("'" + duplicated.getKey() + "'"),
                () -> "the detail should name " + duplicated.getKey() + ": " + response.body());
        assertEquals(overview, overview());
    }

    /**
     * Every JSON type in every field: a value of the wrong type is a 400 naming the field, never coerced (a string
     * field takes only a string, a number only an integer, a boolean only true or false).
     */
    @Property(tries = 300)
    void aValueOfTheWrongTypeIsRefusedNamingTheField(@ForAll("fields") String field, @ForAll("typed")
            Map.Entry<String, String> typed, @ForAll("bodyTransports") Transport transport) throws Exception {
        Map<String, String> body = new java.util.LinkedHashMap<>(Map.of("service_name", "\"typed-svc\"",
                "service_type", "\"custom\""));
        body.put(field, typed.getValue());
        boolean release = field.equals("allocation_id");
        String text = release ? object(List.of(Map.entry(field, typed.getValue())))
                : object(List.copyOf(body.entrySet()));
        Fuzz fuzz = new Fuzz("POST", release ? "/ports/release" : "/ports/allocate", Optional.of("application/json"),
                Optional.of(text), Optional.empty(), transport);
        Answer response = send(fuzz);
        String expected = JSON_TYPE_OF.get(field);
        if (typed.getKey().equals(expected) || typed.getKey().equals("null")) {
            assertTrue(response.status() < 500, () -> fuzz + ": " + response.body());
            if (response.status() == 200 && !release) {
                String id = JSON.readTree(response.body()).path("allocation").path("allocation_id").asText();
                assertEquals(200, send(new Fuzz("POST", "/ports/release", Optional.of("application/json"),
                        Optional.of("{\"allocation_id\":\"" + id + "\"}"), Optional.empty(), Transport.LENGTH))
                        .status());
            }
        } else {
            assertEquals(400, response.status(), () -> fuzz + ": " + response.body());
            assertProblem(response, fuzz);
            assertTrue(JSON.readTree(response.body()).path("detail").asText().contains(field),
                    () -> "the detail should name " + field + ": " + response.body());
        }
        assertEquals(overview, overview());
    }

    private static final Map<String, String> JSON_TYPE_OF = Map.of("service_name", "string", "service_type",
            "string", "allocation_id", "string", "preferred_port", "integer", "process_id", "integer",
            "required", "boolean");

    /**
     * With a length and chunked. The h2c client here (Vert.x) now and then hands back an empty body for an answer
     * the server sent whole (curl receives it), so the HTTP/2 path is in the main property, which also fuzzes h2c,
     * and in HostileRequestsTest.
     */
    @Provide
    Arbitrary<Transport> bodyTransports() {
        return Arbitraries.of(Transport.LENGTH, Transport.CHUNKED);
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of(FIELDS);
    }

    /** A JSON value and its type: string, integer, float, boolean, null, array, object. */
    @Provide
    Arbitrary<Map.Entry<String, String>> typed() {
        return Arbitraries.oneOf(
                Arbitraries.of("\"\"", "\"8080\"", "\"true\"", "\"custom\"", "\"x\"").map(v -> Map.entry("string", v)),
                Arbitraries.of("0", "1", "-1", "8080", "9000", "65536").map(v -> Map.entry("integer", v)),
                Arbitraries.of("1.5", "8080.0", "1e3", "-0.0").map(v -> Map.entry("float", v)),
                Arbitraries.of("true", "false").map(v -> Map.entry("boolean", v)),
                Arbitraries.just("null").map(v -> Map.entry("null", v)),
                Arbitraries.of("[]", "[1]", "[\"x\"]").map(v -> Map.entry("array", v)),
                Arbitraries.of("{}", "{\"a\":1}").map(v -> Map.entry("object", v)));
    }

    /** A body with one of its fields twice: the field's name and the body's fields in order. */
    @Provide
    Arbitrary<Map.Entry<String, List<Map.Entry<String, String>>>> duplicates() {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        return field.flatMap(name -> Combinators.combine(json(1), json(1), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3)).as((first, second, at, gap) -> {
                    List<Map.Entry<String, String>> fields = new java.util.ArrayList<>();
                    if (!name.equals("allocation_id")) {
                        fields.add(Map.entry("service_name", "\"dup-svc\""));
                        fields.add(Map.entry("service_type", "\"custom\""));
                        fields.removeIf(entry -> entry.getKey().equals(name));
                    }
                    int firstAt = Math.min(at, fields.size());
                    fields.add(firstAt, Map.entry(name, first));
                    fields.add(Math.min(firstAt + 1 + gap, fields.size()), Map.entry(name, second));
                    return Map.entry(name, fields);
                }));
    }

    @Provide
    Arbitrary<Fuzz> requests() {
        Arbitrary<Optional<String>> contentTypes = Arbitraries.of("application/json", "application/json",
                "application/json; charset=utf-16", "text/plain", "application/xml", "application/problem+json",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "*/*", "garbage")
                .optional(0.85);
        Arbitrary<Optional<String>> authorization = Arbitraries.of("Bearer nope", "Basic dXNlcjpwYXNz", "Bearer ",
                "Bearer " + "k".repeat(300)).optional(0.05);
        // HTTP/2 bodies are HostileRequestsTest's, one request at a time: the test's h2c client, driven this hard,
        // now and then hands back an empty answer that the registry sent whole (curl receives it)
        Arbitrary<Transport> transports = Arbitraries.frequency(Tuple.of(7, Transport.LENGTH),
                Tuple.of(3, Transport.CHUNKED));
        return Combinators.combine(targets(), contentTypes, bodies().optional(0.8), authorization, transports)
                .as((target, type, body, auth, transport) -> new Fuzz(target.getKey(), target.getValue(), type, body,
                        auth, transport));
    }

    /** Method and path: mostly the API's own endpoints with fuzzed segments, sometimes anything anywhere. */
    private static Arbitrary<Map.Entry<String, String>> targets() {
        Arbitrary<String> reads = Arbitraries.of("/ports/directory", "/ports/overview", "/ports/stats",
                "/ports/health", "/ports/ranges");
        Arbitrary<String> anyMethod = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
        Arbitrary<String> anyPath = Arbitraries.oneOf(reads, Arbitraries.of("/ports/allocate", "/ports/release",
                "/ports/cleanup", "/ports", "/ports/", "/q/health/ready"), segments().map("/ports/"::concat),
                Combinators.combine(segments(), segments()).as((a, b) -> "/ports/" + a + "/" + b));
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("/ports/allocate").map(path -> Map.entry("POST", path))),
                Tuple.of(3, Arbitraries.just("/ports/release").map(path -> Map.entry("POST", path))),
                Tuple.of(1, Arbitraries.just("/ports/cleanup").map(path -> Map.entry("POST", path))),
                Tuple.of(2, segments().map(segment -> Map.entry("POST", "/ports/heartbeat/" + segment))),
                Tuple.of(3, Combinators.combine(Arbitraries.of("/ports/service/", "/ports/port/", "/ports/type/"),
                        segments()).as((prefix, segment) -> Map.entry("GET", prefix + segment))),
                Tuple.of(1, reads.map(path -> Map.entry("GET", path))),
                Tuple.of(3, Combinators.combine(anyMethod, anyPath).as(Map::entry)));
    }

    /** Path segments: names, numbers, UUIDs, traversal, encoded slashes and NULs, and any unicode, encoded. */
    private static Arbitrary<String> segments() {
        Arbitrary<String> special = Arbitraries.of("..", ".", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%00", "%2F", "%5C",
                "%ff%fe", "~", "-1", "0", "65536", "99999999999999999999", "8080.0", "1e3", "0x1F90", "rest-api",
                "REST-API", "resident", "00000000-0000-0000-0000-000000000000",
                "3F2B8C1E-9D4A-4E6B-8F0A-1C2D3E4F5A6B", "%E2%98%83", "caf%C3%A9", "a;b=c", "%20");
        Arbitrary<String> any = Arbitraries.strings().ofMinLength(1).ofMaxLength(80).map(RequestFuzzIT::encode);
        Arbitrary<String> numbers = Arbitraries.integers().map(String::valueOf);
        Arbitrary<String> uuids = Arbitraries.create(java.util.UUID::randomUUID).map(Object::toString);
        return Arbitraries.oneOf(special, any, numbers, uuids);
    }

    /** Bodies: JSON objects with the API's fields (and others) holding any JSON, other JSON, text; some truncated,
     *  some over the size limit. */
    private static Arbitrary<String> bodies() {
        Arbitrary<String> objects = Combinators.combine(fieldNames(), json(2)).as(Map::entry).list().ofMaxSize(7)
                .map(RequestFuzzIT::object);
        Arbitrary<String> whole = Arbitraries.frequencyOf(Tuple.of(6, objects),
                Tuple.of(2, json(3)), Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
        Arbitrary<String> truncated = Combinators.combine(whole, Arbitraries.doubles().between(0, 1))
                .as((body, cut) -> body.substring(0, (int) (body.length() * cut)));
        Arbitrary<String> oversized = Arbitraries.integers().between(16 * 1024, 40 * 1024)
                .map(size -> "{\"service_name\":\"" + "a".repeat(size) + "\",\"service_type\":\"custom\"}");
        return Arbitraries.frequencyOf(Tuple.of(12, whole), Tuple.of(3, truncated), Tuple.of(1, oversized));
    }

    private static Arbitrary<String> fieldNames() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(FIELDS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
    }

    /** Any JSON value up to the given depth of nesting, as text. */
    private static Arbitrary<String> json(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "-0", "1e400", "65536", "8080", "9000",
                        "9223372036854775808", "1.5", "\"\"", "\"rest-api\"", "\"custom\"", "\"cache\"",
                        "\"fuzzed-svc\"", "\"resident\"", "\"8080\"", "\"true\"",
                        "\"00000000-0000-0000-0000-000000000000\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(70).map(RequestFuzzIT::quote));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = json(depth - 1).list().ofMaxSize(4)
                .map(items -> items.stream().collect(Collectors.joining(",", "[", "]")));
        Arbitrary<String> objects = Combinators.combine(fieldNames(), json(depth - 1)).as(Map::entry).list()
                .ofMaxSize(4).map(RequestFuzzIT::object);
        return Arbitraries.frequencyOf(Tuple.of(6, scalars), Tuple.of(1, arrays),
                Tuple.of(1, objects));
    }

    private static Answer send(Fuzz fuzz) throws Exception {
        if (fuzz.transport() == Transport.HTTP2 && fuzz.authorization().isEmpty()) {
            RawHttp.Answer answer = http2.send(fuzz.method(), fuzz.path(), fuzz.contentType().orElse(null),
                    fuzz.body().orElse(null));
            return new Answer(answer.status(), answer.contentType(), answer.body());
        }
        HttpRequest.BodyPublisher body = fuzz.body().map(text -> fuzz.transport() == Transport.CHUNKED
                // a stream of unknown length: sent chunked, without Content-Length
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        text.getBytes(StandardCharsets.UTF_8)))
                : HttpRequest.BodyPublishers.ofString(text)).orElse(HttpRequest.BodyPublishers.noBody());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + fuzz.path()))
                .timeout(Duration.ofSeconds(30)).method(fuzz.method(), body);
        fuzz.contentType().ifPresent(type -> request.header("Content-Type", type));
        fuzz.authorization().ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private static void assertProblem(Answer response, Fuzz fuzz) throws Exception {
        int status = response.status();
        assertTrue(response.contentType().startsWith("application/problem+json"),
                () -> "not problem+json for " + fuzz + ": " + response.contentType());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(status, problem.path("status").asInt(), () -> "status field for " + fuzz);
        assertFalse(problem.path("success").asBoolean(true), () -> "success field for " + fuzz);
        assertFalse(problem.path("detail").asText("").isBlank(), () -> "detail for " + fuzz);
        assertFalse(problem.path("message").asText("").isBlank(), () -> "message for " + fuzz);
    }

    private static String object(List<Map.Entry<String, String>> fields) {
        return fields.stream().map(field -> quote(field.getKey()) + ":" + field.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String base() {
        return "http://127.0.0.1:" + registry.port();
    }

    private static String overview() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/ports/overview"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
