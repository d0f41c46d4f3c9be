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
        return cases.stream();
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

    @ParameterizedTest(name = "h2c {0} {2}")
    @MethodSource("http2Requests")
    void http2BodiesWithoutALengthAreCheckedAlike(String path, String body, int status, String named)
            throws Exception {
        String before = Registry.overview();
        assertProblem(RawHttp.http2(RestAssured.port, "POST", path, JSON_TYPE, body), status, named);
        assertEquals(before, Registry.overview());
        assertEquals(List.of(), log.stackTraces());
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
        assertEquals(200, RawHttp.send(RestAssured.port, get("/ports/service/spaced", "Accept: text/html\r\n"))
                .status());
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

    /** The log assertions above could not fail if the capture saw nothing: it sees a trace logged anywhere. */
    @Test
    void theLogCaptureSeesStackTraces() {
        org.jboss.logging.Logger.getLogger("io.sirsi.nexus.api").error("capture check", new IllegalStateException("x"));
        assertEquals(1, log.stackTraces().size(), "the capture missed a logged stack trace");
        log.clear();
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String named) throws Exception {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
        JsonNode problem = JSON.readTree(answer.body());
        assertEquals(status, problem.path("status").asInt());
        assertFalse(problem.path("success").asBoolean(true));
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
