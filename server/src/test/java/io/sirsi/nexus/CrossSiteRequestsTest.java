package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protected mode (no keys, loopback clients are admins) against a web page in the operator's browser: a cross-site
 * POST, a DNS rebinding, two Host headers, a body type a browser sends without asking. Each is refused with
 * problem+json and changes nothing; the registry's own pages, the CLI and curl keep working.
 */
@QuarkusTest
@TestProfile(CrossSiteRequestsTest.NamedRegistry.class)
class CrossSiteRequestsTest {

    /** A registry reached by one more name. */
    public static class NamedRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sirsi.auth.local-host-names", "Registry.Example");
        }
    }

    private static final String BODY = "{\"service_name\":\"csrf-target\",\"service_type\":\"custom\"}";

    private String allocationId;

    @BeforeEach
    void oneAllocation() {
        Registry.releaseAll();
        allocationId = Registry.allocate("csrf-target", "custom").statusCode(200).extract()
                .path("allocation.allocation_id");
    }

    static RawHttp.Answer send(String method, String path, String headers, String body) throws IOException {
        return RawHttp.send(RestAssured.port, method + " " + path + " HTTP/1.1\r\n" + headers
                + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    static String host() {
        return "Host: localhost:" + RestAssured.port + "\r\n";
    }

    private static void assertRefused(RawHttp.Answer answer, int status, String kind, String detailPart) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(answer.body().contains("urn:sirsi-nexus:problem:" + kind), answer.body());
        assertTrue(answer.body().contains(detailPart), answer.body());
    }

    @Test
    void aPageOfAnotherOriginCannotChangeTheRegistry() throws IOException {
        String before = Registry.overview();
        for (String origin : new String[] {"http://evil.example", "null", "http://localhost:1",
                "http://localhost", "http://127.0.0.1:" + RestAssured.port}) {
            assertRefused(send("POST", "/ports/cleanup?force=true", host() + "Origin: " + origin + "\r\n", ""),
                    403, "foreign-origin", "another origin");
            assertRefused(send("POST", "/ports/allocate", host() + "Origin: " + origin
                    + "\r\nContent-Type: application/json\r\n", BODY), 403, "foreign-origin", "another origin");
        }
        assertRefused(send("POST", "/ports/release", host() + "Origin: http://evil.example\r\n"
                + "Content-Type: application/json\r\n", "{\"allocation_id\":\"" + allocationId + "\"}"),
                403, "foreign-origin", "quarkus.http.cors.origins");
        assertEquals(before, Registry.overview());

        // its own pages and a client that sends no Origin may
        assertEquals(200, send("POST", "/ports/heartbeat/" + allocationId, host() + "Origin: http://localhost:"
                + RestAssured.port + "\r\n", "").status());
        assertEquals(200, send("POST", "/ports/cleanup", host(), "").status());
        // reads from another origin are for CORS to keep from the page; they change nothing
        assertEquals(200, send("GET", "/ports/stats", host() + "Origin: http://evil.example\r\n", "").status());
    }

    @Test
    void aRequestAddressedToAForeignNameIsRefusedAsADnsRebinding() throws IOException {
        String before = Registry.overview();
        String rebound = "Host: rebind.attacker.example:" + RestAssured.port + "\r\n";
        assertRefused(send("POST", "/ports/allocate", rebound + "Content-Type: application/json\r\n", BODY),
                403, "host-not-allowed", "sirsi.auth.local-host-names");
        assertRefused(send("GET", "/ports/allocations", rebound, ""), 403, "host-not-allowed", "rebind");
        for (String notLoopback : new String[] {"0.0.0.0", "10.0.0.7", "127.1", "localhost.attacker.example",
                "[fe80::1]", "registry.example.org"}) {
            assertRefused(send("GET", "/ports/stats", "Host: " + notLoopback + "\r\n", ""), 403,
                    "host-not-allowed", notLoopback);
        }
        assertEquals(before, Registry.overview());

        for (String local : new String[] {"localhost", "LOCALHOST:1", "127.0.0.1", "127.9.8.7:80", "[::1]:8080",
                "[0:0::1]", "[::ffff:127.0.0.1]", "app.localhost", "registry.example:8080"}) {
            assertEquals(200, send("GET", "/ports/stats", "Host: " + local + "\r\n", "").status(), local);
        }
        assertEquals(200, send("GET", "/q/health/live", rebound, "").status()); // probes stay open
    }

    @Test
    void twoHostHeadersAreABadRequest() throws IOException {
        assertRefused(send("GET", "/ports/stats", host() + "Host: rebind.attacker.example\r\n", ""), 400,
                "duplicate-host", "2 Host headers");
        assertRefused(send("GET", "/ports/stats", host() + host(), ""), 400, "duplicate-host", "exactly one");
    }

    @Test
    void aStateChangingRequestSendsJsonOrNoBody() throws IOException {
        String before = Registry.overview();
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            assertRefused(send("POST", "/ports/cleanup?force=true", host() + "Content-Type: " + type + "\r\n",
                    "a=b"), 415, "unsupported-media-type", type);
            assertRefused(send("POST", "/ports/heartbeat/" + allocationId, host() + "Content-Type: " + type
                    + "\r\n", "x=1"), 415, "unsupported-media-type", "application/json");
        }
        assertRefused(send("POST", "/ports/cleanup", host(), "x=1"), 415, "unsupported-media-type",
                "without a Content-Type");
        assertEquals(before, Registry.overview());
        assertEquals(200, send("POST", "/ports/heartbeat/" + allocationId, host(), "").status());
        assertEquals(200, send("POST", "/ports/heartbeat/" + allocationId, host()
                + "Content-Type: application/json\r\n", "").status());
        // a type on an empty body, as REST clients and curl -d '' send it
        assertEquals(200, send("POST", "/ports/heartbeat/" + allocationId, host()
                + "Content-Type: application/x-www-form-urlencoded\r\n", "").status());
    }
}
