package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code stale} read mode (Consul's {@code ?stale}): the lookups by name answer as usual, with the revision they
 * are at least as new as and their lag, 0 on SQLite (nothing is ever behind there; on PostgreSQL, where this suite
 * runs too, the time since the follower last read the log); without {@code stale} no such headers; a value other
 * than true or false is a 400. Two replicas' side is in ReplicasIT.
 */
@QuarkusTest
class StaleReadsTest {

    @ConfigProperty(name = "sirsi.ports.store")
    String store;

    /** 0 on SQLite; on PostgreSQL a number of milliseconds. */
    private Matcher<String> lag() {
        return store.equals("sqlite") ? equalTo("0") : matchesPattern("\\d+");
    }

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void aStaleLookupSaysItsRevisionAndLag() {
        MultiHostTest.allocate("orders", "rest-api", "node-a", "").statusCode(200);
        MultiHostTest.allocate("orders", "rest-api", null, "").statusCode(200);
        long after = Long.parseLong(given().get("/ports/service/orders").header("X-Sirsi-Index"));

        Response stale = given().get("/ports/service/orders?stale");
        stale.then().statusCode(200).header("X-Sirsi-Instances", "2").header("X-Sirsi-Lag", lag())
                .body("host", equalTo("localhost"));
        assertTrue(Long.parseLong(stale.header("X-Sirsi-Revision")) >= after, "at least as new as the change");
        given().get("/ports/service/orders?stale=true&host=node-a").then().statusCode(200)
                .header("X-Sirsi-Instances", "1").header("X-Sirsi-Lag", lag()).body("host", equalTo("node-a"));
        given().get("/ports/instances/orders?stale").then().statusCode(200).header("X-Sirsi-Lag", lag())
                .body("$", hasSize(2));
        // a 404 says how stale it may be too: "not registered" and "not seen yet" differ by the revision
        for (String notFound : new String[] {"/ports/service/ghost?stale", "/ports/service/ghost?stale&host=node-a",
            "/ports/instances/ghost?stale"}) {
            given().get(notFound).then().statusCode(404).contentType(startsWith("application/problem+json"))
                    .body("detail", containsString("ghost")).header("X-Sirsi-Lag", lag())
                    .header("X-Sirsi-Revision", notNullValue());
        }
    }

    @Test
    void aDefaultReadCarriesNoStaleHeadersAndABadValueIsRefused() {
        MultiHostTest.allocate("orders", "rest-api", null, "").statusCode(200);
        given().get("/ports/service/orders").then().statusCode(200).header("X-Sirsi-Lag", nullValue())
                .header("X-Sirsi-Revision", nullValue());
        given().get("/ports/service/orders?stale=false").then().statusCode(200).header("X-Sirsi-Lag", nullValue());
        given().get("/ports/service/orders?stale=maybe").then().statusCode(400)
                .body("detail", containsString("invalid stale 'maybe': expected true or false"));
        given().get("/ports/instances/orders?stale=1").then().statusCode(400);
        given().get("/ports/service/orders?host=").then().statusCode(400); // other flags still need their value
    }
}
