package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sirsi.nexus.api.security.ApiKeys;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With keys configured, what a client without one may read: the health probes, the API's description (OpenAPI and
 * Swagger UI), the dashboard's files; not the metrics, which name every host and service. Prometheus scrapes with a
 * key of role metrics, which reads nothing else.
 */
@QuarkusTest
@TestProfile(MetricsKeyTest.ScrapeKey.class)
class MetricsKeyTest {

    static final String SCRAPE_KEY = "prometheus-scrape-key-0e41";

    /** The keys of {@link ApiKeysProfile}, and one for Prometheus. */
    public static class ScrapeKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new ApiKeysProfile().getConfigOverrides());
            config.put("sirsi.auth.keys.prometheus", "metrics:" + ApiKeys.sha256Hex(SCRAPE_KEY));
            return config;
        }
    }

    @Test
    void metricsNeedAKeyOfRoleMetricsOrHigher() {
        given().get("/q/metrics").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", equalTo("urn:sirsi-nexus:problem:unauthorized"));
        given().get("/q/metrics/").then().statusCode(401);
        given().header("Authorization", "Bearer " + SCRAPE_KEY).get("/q/metrics").then().statusCode(200)
                .body(containsString("sirsi_"));
        given().header("Authorization", "Bearer " + ApiKeysProfile.READER_KEY).get("/q/metrics").then()
                .statusCode(200);
    }

    @Test
    void aMetricsKeyReadsNothingElse() {
        given().header("Authorization", "Bearer " + SCRAPE_KEY).get("/ports/directory").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("has role metrics"));
    }

    @Test
    void probesAndTheApisDescriptionStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
