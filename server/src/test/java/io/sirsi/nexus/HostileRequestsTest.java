package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests over raw sockets and HTTP/2, each a kind the black-box attack of issue 16 found: duplicate keys,
 * bodies without a length, wrong JSON types, content types, requests without Host or asking for HTML, writes to
 * the management endpoints. Each gets its 4xx as problem+json, changes nothing, and leaves no stack trace in the log.
 */
@QuarkusTest
class HostileRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO = "00000000-0000-0000-0000-000000000000";
    private static final String BIG_NAME = "a".repeat(40_000);
    private static final String JSON_TYPE = "application/json";

    private final LogCapture log = LogCapture.attached();

    @BeforeEach
    void oneServiceRegistered() {
        Registry.releaseAll();
        Registry.allocate("resident", "rest-api", 8080, true).statusCode(200);
        log.clear();
    }

    static Stream<Arguments> hostileRequests() {
        List<Arguments> cases = new ArrayList<>();
        // 1. a key given twice, in any order, on every endpoint with a body
        String id = "\"allocation_id\":\"" + ZERO + "\"";
        cases.add(body("release", "{" + id + "," + id + "}", 400, "allocation_id"));
        cases.add(body("release", "{\"allocation_id\":\"x\"," + id + "}", 400, "allocation_id"));
        for (String field : List.of("service_name", "service_type", "preferred_port", "required", "process_id")) {
            String value = value(field);
            cases.add(allocate("{\"" + field + "\":" + value + "," + valid(field) + ",\"" + field + "\":" + value
                    + "}", 400, field));
            cases.add(allocate("{" + valid(field) + ",\"" + field + "\":" + value + ",\"" + field + "\":" + value
                    + "}", 400, field));
        }
        // 4. a string field takes a string, a number an integer, a boolean true or false: nothing is coerced
        for (String wrong : List.of("true", "false", "1", "1.5", "[]", "{}", "[\"x\"]")) {
            cases.add(allocate("{\"service_name\":" + wrong + ",\"service_type\":\"custom\"}", 400, "service_name"));
            cases.add(allocate("{\"service_name\":\"typed\",\"service_type\":" + wrong + "}", 400, "service_type"));
            cases.add(body("release", "{\"allocation_id\":" + wrong + "}", 400, "allocation_id"));
        }
        for (String field : List.of("preferred_port", "process_id")) {
            for (String wrong : List.of("\"\"", "\"9000\"", "true", "1.5", "[]", "{}", "[9000]")) {
                cases.add(allocate("{" + valid(field) + ",\"" + field + "\":" + wrong + "}", 400, field));
            }
        }
        for (String wrong : List.of("\"\"", "\"true\"", "1", "0", "[]", "{}")) {
            cases.add(allocate("{" + valid("required") + ",\"required\":" + wrong + "}", 400, "required"));
        }
        // 5. a body must be declared JSON, without wildcards
        String fine = "{\"service_name\":\"typed\",\"service_type\":\"custom\"}";
        for (String type : new String[] {null, "", "*/*", "application/*", "text/plain",
                "application/json; charset=latin1"}) {
            cases.add(Arguments.of("allocate with Content-Type " + type, RawHttp.post("/ports/allocate", type, fine),
                    415, "application/json"));
        }
        // 2. the body limit holds without a Content-Length
        String big = "{\"service_name\":\"" + BIG_NAME + "\",\"service_type\":\"custom\"}";
        cases.add(Arguments.of("chunked 40 KB allocate", RawHttp.chunked("/ports/allocate", JSON_TYPE, big, 4000),
                413, "16384"));
        cases.add(Arguments.of("chunked 17 KB in one chunk", RawHttp.chunked("/ports/allocate", JSON_TYPE,
                big.substring(0, 17_000), 17_000), 413, "16384"));
        cases.add(Arguments.of("chunked with a duplicate key", RawHttp.chunked("/ports/release", JSON_TYPE,
                "{" + id + "," + id + "}", 7), 400, "allocation_id"));
        // 6. every error is problem+json, whatever the request asks for
        cases.add(Arguments.of("no Host header", "GET /ports/stats HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
                "Host"));
        cases.add(Arguments.of("Accept text/html, bad name",
                get("/ports/service/BAD", "Accept: text/html\r\n"), 400, "service_name"));
        cases.add(Arguments.of("Accept text/html, unknown service",
                get("/ports/service/nobody", "Accept: text/html\r\n"), 404, "nobody"));
        cases.add(Arguments.of("Accept application/xml, unknown path",
                get("/ports/nothing-here", "Accept: application/xml\r\n"), 404, "/ports"));
        // 9. the management endpoints are read-only
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi")) {
            for (String method : List.of("PUT", "DELETE", "PATCH", "POST", "TRACE")) {
                cases.add(Arguments.of(method + " " + path, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\nContent-Length: 0\r\n\r\n", 405, "read-only"));
            }
        }
        cases.addAll(issue22Requests());
        return cases.stream();
    }

    /** The kinds the second black-box attack (issue 22) found answered wrongly: 500s, bare answers, accepted. */
    static List<Arguments> issue22Requests() {
        List<Arguments> cases = new ArrayList<>();
        String fine = "{\"service_name\":\"typed\",\"service_type\":\"custom\"}";
        // 8. times past what the change log can count
        cases.add(Arguments.of("history from year -999999999", get("/ports/history?from=-999999999-01-01T00:00:00Z",
                ""), 400, "1970-01-01T00:00:00Z"));
        cases.add(Arguments.of("history to year 292278995", get("/ports/history?to=%2B292278995-01-01T00:00:00Z",
                ""), 400, "9999-12-31T23:59:59Z"));
        cases.add(Arguments.of("history from 1969", get("/ports/history?from=1969-12-31T23:59:59Z", ""), 400,
                "from"));
        // 9. refusals the HTTP layer made without problem+json
        cases.add(Arguments.of("Content-Length of 2 MB", "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{", 413,
                "16384"));
        for (String size : List.of("zz", "-5", "ffffffffffffffff")) {
            cases.add(Arguments.of("chunk size " + size, "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + size + "\r\n" + fine + "\r\n0\r\n\r\n", 400, "chunk"));
        }
        // 10. HTTP conformance
        cases.add(Arguments.of("Transfer-Encoding xchunked with a length", "POST /ports/allocate HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: xchunked\r\nContent-Length: " + fine.length() + "\r\n\r\n" + fine, 400,
                "Transfer-Encoding"));
        cases.add(Arguments.of("Transfer-Encoding gzip, chunked", "POST /ports/allocate HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "chunked"));
        cases.add(Arguments.of("HTTP/9.9", "GET /ports/stats HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n"
                + "\r\n", 505, "HTTP/1.1"));
        cases.add(Arguments.of("lowercase http/1.1", "GET /ports/stats http/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n", 505, "HTTP/1.1"));
        cases.add(Arguments.of("Content-Encoding br", RawHttp.post("/ports/allocate", JSON_TYPE, fine)
                .replace("Connection: close\r\n", "Connection: close\r\nContent-Encoding: br\r\n"), 415, "br"));
        cases.add(Arguments.of("two Content-Types", RawHttp.post("/ports/allocate", JSON_TYPE, fine)
                .replace("Connection: close\r\n", "Connection: close\r\nContent-Type: text/plain\r\n"), 400,
                "Content-Type"));
        // 12. one rule for every query parameter: no empty value, none given twice, one duration grammar
        for (String query : List.of("/ports/allocations?host=", "/ports/events?since=", "/ports/analytics?window=",
                "/ports/history?limit=", "/ports/allocations?status=", "/ports/history?service=",
                "/ports/directory?host", "/ports/sd/prometheus?type=")) {
            String name = query.substring(query.indexOf('?') + 1).replace("=", "");
            cases.add(Arguments.of("empty " + query, get(query, ""), 400, "'" + name + "' has no value"));
        }
        for (String query : List.of("/ports/allocations?host=a&host=b", "/ports/history?limit=5&limit=6",
                "/ports/analytics?window=1h&window=2h", "/ports/events?since=0&since=1")) {
            String name = query.substring(query.indexOf('?') + 1, query.indexOf('='));
            cases.add(Arguments.of("repeated " + query, get(query, ""), 400, "'" + name + "' is given 2 times"));
        }
        for (String window : List.of("1ms", "01h", "0h", "1h ", "+1h")) {
            cases.add(Arguments.of("window " + window, get("/ports/analytics?window=" + window.replace(" ", "%20")
                    .replace("+", "%2B"), ""), 400, "invalid window"));
        }
        cases.add(Arguments.of("wait 1h", get("/ports/allocations?index=0&wait=1h", ""), 400, "invalid wait"));
        cases.add(Arguments.of("since 007", get("/ports/events?since=007", ""), 400, "invalid since"));
        cases.add(Arguments.of("since abc beside a Last-Event-ID", get("/ports/events?since=abc",
                "Last-Event-ID: 0\r\n"), 400, "invalid since"));
        // JSON the parser refuses, said in JSON's words: no parser settings, sources or Java types
        cases.add(allocate("{", 400, "at line 1, column 2"));
        cases.add(allocate("{\"service_name\":\"n\",\"service_type\":\"custom\",\"preferred_port\":NaN}", 400,
                "JSON has no comments, NaN"));
        cases.add(allocate("{/* c */\"service_name\":\"n\",\"service_type\":\"custom\"}", 400,
                "JSON has no comments"));
        cases.add(allocate("{\"service_name\":\"n\",\"service_type\":\"custom\",\"avoid_ports\":{}}", 400,
                "field 'avoid_ports' must be an array"));
        cases.add(allocate("{\"service_name\":\"n\",\"service_type\":\"custom\",\"avoid_ports\":[99999999999]}",
                400, "field 'avoid_ports[0]' is out of range"));
        cases.add(allocate("{\"service_name\":\"n\",\"service_type\":\"custom\",\"process_id\":"
                + "9".repeat(2_000) + "}", 400, "Number value length (2000) exceeds the maximum allowed (1000)"));
        return cases;
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("hostileRequests")
    void isRefusedAsProblemJsonAndChangesNothing(String name, String request, int status, String named)
            throws Exception {
        String before = Registry.overview();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, request);
        assertProblem(answer, status, named);
        assertEquals("nosniff", answer.headers().get("x-content-type-options"), name);
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    static Stream<Arguments> http2Requests() {
        String id = "\"allocation_id\":\"" + ZERO + "\"";
        return Stream.of(
                Arguments.of("/ports/allocate", "{\"service_name\":\"" + BIG_NAME + "\",\"service_type\":\"custom\"}",
                        413, "16384"),
                Arguments.of("/ports/release", "{" + id + "," + id + "}", 400, "allocation_id"),
                Arguments.of("/ports/allocate", "{\"service_name\":true,\"service_type\":\"custom\"}", 400,
                        "service_name"));
    }

    /**
     * Over HTTP/2, with and without a length (curl sends one): a body the direct route took with a length was once
     * read before Quarkus REST, which cannot take an HTTP/2 body read before it, and every refusal was a 500.
     */
    @ParameterizedTest(name = "h2c {0} {2}")
    @MethodSource("http2Requests")
    void http2BodiesAreCheckedAlike(String path, String body, int status, String named) throws Exception {
        String before = Registry.overview();
        for (boolean withLength : List.of(false, true)) {
            try (RawHttp.Http2 client = new RawHttp.Http2(RestAssured.port)) {
                assertProblem(client.send("POST", path, JSON_TYPE, body, withLength), status, named);
                assertProblem(client.send("POST", path, JSON_TYPE, "{", withLength), 400, "not valid JSON");
            }
        }
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    /**
     * A client that sends all of an oversized body before it reads, as most do, still reads its 413. Closing the
     * connection as soon as the answer was written left the rest of the body unread, and the kernel answers unread
     * bytes on a closed socket with a reset, which can reach the client before it has read the answer (the Java
     * client's "header parser received no bytes" in {@code RequestFuzzIT}): the registry now reads and discards
     * the rest of the body, for a bounded time, before it closes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedBodiesSentWhole")
    void anOversizedBodySentWholeStillReadsItsAnswer(String name, String head, byte[] body) throws Exception {
        String before = Registry.overview();
        RawHttp.Answer answer = RawHttp.sendWhole(RestAssured.port, head, body);
        assertProblem(answer, 413, "16384");
        assertEquals("close", answer.headers().get("connection"), name);
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    static Stream<Arguments> oversizedBodiesSentWhole() {
        byte[] body = ("{\"service_name\":\"" + "a".repeat(8 * 1024 * 1024) + "\",\"service_type\":\"custom\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String head = "POST /ports/allocate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        java.io.ByteArrayOutputStream chunked = new java.io.ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 65_536) {
            int size = Math.min(65_536, body.length - at);
            chunked.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            chunked.write(body, at, size);
            chunked.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("8 MB with a Content-Length, Connection: close",
                        head + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n", body),
                Arguments.of("8 MB with a Content-Length, kept alive",
                        head + "Content-Length: " + body.length + "\r\n\r\n", body),
                Arguments.of("8 MB chunked, kept alive", head + "Transfer-Encoding: chunked\r\n\r\n",
                        chunked.toByteArray()));
    }

    @Test
    void validBodiesWithoutALengthAndSpacedParametersAreAccepted() throws Exception {
        String body = "{\"service_name\":\"streamed\",\"service_type\":\"custom\"}";
        assertEquals(200, RawHttp.send(RestAssured.port, RawHttp.chunked("/ports/allocate", JSON_TYPE, body, 5))
                .status());
        RawHttp.Answer spaced = RawHttp.send(RestAssured.port, RawHttp.post("/ports/allocate",
                "application/json ;charset=utf-8", body.replace("streamed", "spaced")));
        assertEquals(200, spaced.status(), spaced.body());
        RawHttp.Answer h2 = RawHttp.http2(RestAssured.port, "POST", "/ports/allocate", JSON_TYPE,
                body.replace("streamed", "over-h2"));
        assertEquals(200, h2.status(), h2.body());
        try (RawHttp.Http2 client = new RawHttp.Http2(RestAssured.port)) {
            RawHttp.Answer withLength = client.send("POST", "/ports/allocate", JSON_TYPE,
                    body.replace("streamed", "over-h2-length"), true);
            assertEquals(200, withLength.status(), withLength.body());
        }
        assertEquals(200, RawHttp.send(RestAssured.port, get("/ports/service/spaced", "Accept: text/html\r\n"))
                .status());
        assertEquals(List.of(), log.stackTraces());
    }

    /**
     * Bodies past Quarkus REST's own input buffer (10 KiB) and within the limit (16 KiB) that the registry read
     * before Quarkus REST (a chunked body; a body the direct route declined) are read whole: they were once read
     * as cut, and refused as "not UTF-8".
     */
    @Test
    void bodiesReadBeforeQuarkusRestArriveWhole() throws Exception {
        String padding = " ".repeat(12_000);
        String streamed = "{\"service_name\":\"padded\",\"service_type\":\"custom\"" + padding + "}";
        RawHttp.Answer chunked = RawHttp.send(RestAssured.port, RawHttp.chunked("/ports/allocate", JSON_TYPE,
                streamed, 4_096));
        assertEquals(200, chunked.status(), chunked.body());
        String before = Registry.overview();
        assertProblem(RawHttp.send(RestAssured.port, RawHttp.post("/ports/allocate", JSON_TYPE,
                "{\"service_name\":\"padded2\",\"service_type\":\"custom\",\"x\":1" + padding + "}")), 400,
                "unknown field 'x'");
        assertProblem(RawHttp.send(RestAssured.port, RawHttp.chunked("/ports/allocate", JSON_TYPE,
                "{\"service_name\":\"padded3\",\"service_type\":7" + padding + "}", 4_096)), 400,
                "service_type");
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    @Test
    void rejectionsBeforeAnyHandlerLogNoStackTrace() throws Exception {
        String before = Registry.overview();
        for (String request : List.of("GARBAGE\r\n\r\n", "GET /ports/stats HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /ports/stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n",
                "GET /" + "p".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")) {
            try {
                RawHttp.send(RestAssured.port, request);
            } catch (AssertionError | java.io.IOException closedWithoutAnswer) {
                // Netty may close such a connection without an answer; the point is what the log says
            }
        }
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    /** Issue 22, 11: JSON is UTF-8; Jackson would guess UTF-16 or UTF-32 from the bytes and allocate. */
    @ParameterizedTest(name = "{0} labelled UTF-8")
    @MethodSource("otherEncodings")
    void aBodyThatIsNotUtf8IsRefused(String encoding, byte[] body) throws Exception {
        String before = Registry.overview();
        var answer = RestAssured.given().contentType("application/json; charset=UTF-8").body(body)
                .post("/ports/allocate").then().extract();
        assertEquals(400, answer.statusCode(), answer.asString());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        assertTrue(answer.path("message").toString().contains("UTF-8"), answer.asString());
        assertEquals(before, Registry.overview());
    }

    static Stream<Arguments> otherEncodings() {
        String body = "{\"service_name\":\"wide\",\"service_type\":\"custom\"}";
        return Stream.of(
                Arguments.of("UTF-16BE", body.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)),
                Arguments.of("UTF-16LE", body.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)),
                Arguments.of("UTF-16 with a byte-order mark", body.getBytes(java.nio.charset.StandardCharsets.UTF_16)),
                Arguments.of("UTF-32BE", body.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                Arguments.of("UTF-32LE", body.getBytes(java.nio.charset.Charset.forName("UTF-32LE"))),
                Arguments.of("Latin-1", body.replace("wide", "caf\u00e9").getBytes(
                        java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    /**
     * Issue 22, 1: a Content-Type of 19,000 spaces took 1.75 s of the event loop. Answered as usual; that the work
     * is linear in the header's length is {@code MediaTypesTest}'s to show, without a clock.
     */
    @Test
    void aLongContentTypeIsAnsweredAsUsual() throws Exception {
        String spaces = " ".repeat(19_000);
        RawHttp.Answer live = RawHttp.send(RestAssured.port, get("/q/health/live", "Content-Type: a" + spaces
                + "b\r\n"));
        assertEquals(200, live.status(), live.body());
        String before = Registry.overview();
        String half = spaces.substring(9_000); // both halves within the HTTP layer's 20 KiB for all headers
        assertProblem(RawHttp.send(RestAssured.port, RawHttp.post("/ports/allocate", "application/json" + half
                + ";" + half + "charset=latin1", "{}")), 415, "application/json");
        assertEquals(before, Registry.overview());
    }

    /** Issue 22, 10: a 405 says what is allowed, and OPTIONS advertises only what is answered. */
    @Test
    void aMethodNotAllowedNamesTheAllowedOnes() throws Exception {
        for (String method : List.of("POST", "DELETE", "PUT")) {
            RawHttp.Answer refused = RawHttp.send(RestAssured.port, method + " /ports/stats HTTP/1.1\r\n"
                    + "Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\n{}");
            assertProblem(refused, 405, method);
            assertEquals("GET, HEAD, OPTIONS", refused.headers().get("allow"), method + ": " + refused.headers());
        }
        RawHttp.Answer options = RawHttp.send(RestAssured.port, "OPTIONS /ports/stats HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\n\r\n");
        assertEquals("GET, HEAD, OPTIONS", options.headers().get("allow"), options.headers().toString());
        RawHttp.Answer allocate = RawHttp.send(RestAssured.port, get("/ports/allocate", ""));
        assertProblem(allocate, 405, "GET");
        assertEquals("OPTIONS, POST", allocate.headers().get("allow"), allocate.headers().toString());
        for (String path : List.of("/ports/drain", "/ports/undrain", "/ports/hosts/localhost/report")) {
            RawHttp.Answer refused = RawHttp.send(RestAssured.port, get(path, ""));
            assertProblem(refused, 405, "GET");
            assertEquals("OPTIONS, POST", refused.headers().get("allow"), path + ": " + refused.headers());
        }
        RawHttp.Answer host = RawHttp.send(RestAssured.port, "OPTIONS /ports/hosts/localhost HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\n\r\n");
        assertEquals("GET, HEAD, OPTIONS", host.headers().get("allow"), host.headers().toString());
    }

    /**
     * Issue 22, 9: a request target that is not a URI is refused by Quarkus before any route of ours runs, with a
     * bare 400 (README, Semantics): the closest the HTTP layer allows. It closes the connection and logs nothing.
     */
    @Test
    void aTargetThatIsNotAUriIsRefusedByTheHttpLayer() throws Exception {
        String before = Registry.overview();
        for (String target : List.of("/ports/heartbeat/%zz", "/ports/allocations?host=%g1", "/ports/service/%")) {
            RawHttp.Answer answer = RawHttp.send(RestAssured.port, "POST " + target + " HTTP/1.1\r\n"
                    + "Host: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            assertEquals(400, answer.status(), target);
            assertEquals("close", answer.headers().get("connection"), target);
        }
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
    }

    /** The log assertions above could not fail if the capture saw nothing: it sees a trace logged anywhere. */
    @Test
    void theLogCaptureSeesStackTraces() {
        org.jboss.logging.Logger.getLogger("io.sirsi.nexus.api").error("capture check", new IllegalStateException("x"));
        assertEquals(1, log.stackTraces().size(), "the capture missed a logged stack trace");
        log.clear();
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String named) throws Exception {
        assertEquals(status, answer.status(), () -> answer.headers() + " " + answer.body());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        JsonNode problem = JSON.readTree(answer.body());
        assertEquals(status, problem.path("status").asInt(), answer.body());
        assertFalse(problem.path("success").asBoolean(true), answer.body());
        assertTrue(problem.path("type").asText().startsWith("urn:sirsi-nexus:problem:"), answer.body());
        assertTrue(problem.path("message").asText().contains(named), () -> "'" + named + "' in " + answer.body());
    }

    private static Arguments allocate(String body, int status, String named) {
        return body("allocate", body, status, named);
    }

    private static Arguments body(String endpoint, String body, int status, String named) {
        return Arguments.of(endpoint + " " + abbreviated(body), RawHttp.post("/ports/" + endpoint, JSON_TYPE, body),
                status, named);
    }

    private static String get(String path, String headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers + "\r\n";
    }

    /** The other required fields, valid, so that only {@code field} is wrong. */
    private static String valid(String field) {
        return switch (field) {
            case "service_name" -> "\"service_type\":\"custom\"";
            case "service_type" -> "\"service_name\":\"typed\"";
            default -> "\"service_name\":\"typed\",\"service_type\":\"custom\"";
        };
    }

    /** A valid value of the field. */
    private static String value(String field) {
        return switch (field) {
            case "service_name" -> "\"typed\"";
            case "service_type" -> "\"custom\"";
            case "preferred_port" -> "9000";
            case "required" -> "false";
            default -> "4242";
        };
    }

    private static String abbreviated(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
