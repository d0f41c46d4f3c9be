package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An origin that {@code quarkus.http.cors.origins} lets in may change the registry; others CORS refuses. */
@QuarkusTest
@TestProfile(CrossSiteCorsTest.Dashboard.class)
class CrossSiteCorsTest {

    /** A dashboard on another origin. */
    public static class Dashboard implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.enabled", "true",
                    "quarkus.http.cors.origins", "https://dashboard.example");
        }
    }

    @Test
    void aCorsOriginMayPostAndAnotherMayNot() throws IOException {
        String id = Registry.allocate("cors-target", "custom").statusCode(200).extract()
                .path("allocation.allocation_id");
        assertEquals(200, CrossSiteRequestsTest.send("POST", "/ports/heartbeat/" + id, CrossSiteRequestsTest.host()
                + "Origin: https://dashboard.example\r\n", "").status());
        assertEquals(403, CrossSiteRequestsTest.send("POST", "/ports/heartbeat/" + id, CrossSiteRequestsTest.host()
                + "Origin: https://evil.example\r\n", "").status());
        Registry.release(id).statusCode(200);
    }
}
