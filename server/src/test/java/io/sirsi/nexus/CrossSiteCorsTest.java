package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An origin that {@code quarkus.http.cors.origins} lets in, by name or by a regular expression, may change the
 * registry, with a key; others are refused with problem+json. (CORS without keys is refused at start:
 * {@code CliProcessIT}.)
 */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class CrossSiteCorsTest {

    private static final String WRITER = "Authorization: Bearer " + ApiKeysProfile.WRITER_KEY + "\r\n";

    @Test
    void aCorsOriginMayPostAndAnotherMayNot() throws IOException {
        RawHttp.Answer allocated = CrossSiteRequestsTest.send("POST", "/ports/allocate", CrossSiteRequestsTest.host()
                + WRITER + "Content-Type: application/json\r\n",
                "{\"service_name\":\"cors-target\",\"service_type\":\"custom\"}");
        assertEquals(200, allocated.status(), allocated.body());
        Matcher id = Pattern.compile("\"allocation_id\":\"([0-9a-f-]+)\"").matcher(allocated.body());
        id.find();
        String heartbeat = "/ports/heartbeat/" + id.group(1);
        assertEquals(200, CrossSiteRequestsTest.send("POST", heartbeat, CrossSiteRequestsTest.host() + WRITER
                + "Origin: " + ApiKeysProfile.DASHBOARD + "\r\n", "").status());
        assertEquals(403, CrossSiteRequestsTest.send("POST", heartbeat, CrossSiteRequestsTest.host() + WRITER
                + "Origin: https://evil.example\r\n", "").status());
        // an origin of the configured regular expression passes the cross-site check as it passes CORS
        assertEquals(200, CrossSiteRequestsTest.send("POST", heartbeat, CrossSiteRequestsTest.host() + WRITER
                + "Origin: https://pr-42.preview.example.test\r\n", "").status());
        assertEquals(403, CrossSiteRequestsTest.send("POST", heartbeat, CrossSiteRequestsTest.host() + WRITER
                + "Origin: https://pr-42.preview.example.test.evil.example\r\n", "").status());
        assertEquals(200, CrossSiteRequestsTest.send("POST", "/ports/release", CrossSiteRequestsTest.host() + WRITER
                + "Content-Type: application/json\r\n", "{\"allocation_id\":\"" + id.group(1) + "\"}").status());
    }

    @Test
    void aReadFromAnOriginCorsDoesNotAllowIsAProblemNamingTheOrigin() {
        for (String method : new String[] {"GET", "OPTIONS"}) {
            given().header("Authorization", "Bearer " + ApiKeysProfile.READER_KEY)
                    .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                    .request(method, "/ports/stats").then().statusCode(403)
                    .contentType("application/problem+json").header("X-Content-Type-Options", "nosniff")
                    .body("type", equalTo("urn:sirsi-nexus:problem:foreign-origin"))
                    .body("success", equalTo(false))
                    .body("detail", containsString("'https://evil.example'"))
                    .body("detail", containsString("quarkus.http.cors.origins"));
        }
        given().header("Authorization", "Bearer " + ApiKeysProfile.READER_KEY)
                .header("Origin", "https://pr-7.preview.example.test").get("/ports/stats").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://pr-7.preview.example.test");
    }
}
