package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static io.sirsi.nexus.ApiKeysProfile.ADMIN_KEY;
import static io.sirsi.nexus.ApiKeysProfile.READER_KEY;
import static io.sirsi.nexus.ApiKeysProfile.WRITER_KEY;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** API keys and roles over HTTP: 401 without a usable key, 403 when the key's role is too low. */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class ApiKeysTest {

    private static final String ALLOCATE = "{\"service_name\":\"keyed\",\"service_type\":\"cache\"}";

    /**
     * The store's location (a file's path, or a JDBC URL naming the database's host) is for clients with a key; a
     * probe without one learns only whether the store is up.
     */
    @Test
    void healthNamesTheStoreOnlyToAClientWithAKey() {
        String store = "checks.find { it.name == 'allocation-store' }";
        for (String path : List.of("/q/health", "/q/health/ready")) {
            given().get(path).then().statusCode(200).body(store + ".status", equalTo("UP"))
                    .body(store + ".data.location", nullValue());
            bearer(READER_KEY).get(path).then().statusCode(200).body(store + ".status", equalTo("UP"))
                    .body(store + ".data.location", notNullValue());
        }
    }

    @Test
    void everyPortsRequestNeedsAKey() {
        for (String path : new String[] {"/ports/directory", "/ports/overview", "/ports/health", "/ports/ranges"}) {
            problem(given().get(path), 401, "unauthorized")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("detail", containsString("requires an API key"));
        }
        problem(given().contentType(ContentType.JSON).body(ALLOCATE).post("/ports/allocate"), 401, "unauthorized");
        problem(given().post("/ports/cleanup"), 401, "unauthorized");
    }

    @Test
    void unknownOrMalformedKeysAre401EverywhereButHealthStaysOpen() {
        problem(bearer("not-a-key").get("/ports/directory"), 401, "unauthorized")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("not known"));
        problem(given().header("X-API-Key", "not-a-key").get("/ports/directory"), 401, "unauthorized");
        problem(given().header("Authorization", "Basic dXNlcjpwYXNz").get("/ports/directory"), 401, "unauthorized")
                .body("detail", containsString("Bearer <key>"));
        problem(given().header("Authorization", "Bearer " + READER_KEY).header("X-API-Key", WRITER_KEY)
                .get("/ports/directory"), 401, "unauthorized").body("detail", containsString("different keys"));
        // Rejected before JAX-RS (proactive authentication): still problem+json.
        problem(bearer("not-a-key").get("/q/metrics"), 401, "unauthorized");
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aReaderReadsButCannotChangeAnything() {
        bearer(READER_KEY).get("/ports/directory").then().statusCode(200);
        given().header("X-API-Key", READER_KEY).get("/ports/stats").then().statusCode(200);
        bearer(READER_KEY).get("/ports/health").then().statusCode(200);
        String before = bearer(READER_KEY).get("/ports/overview").then().statusCode(200).extract().asString();
        problem(bearer(READER_KEY).contentType(ContentType.JSON).body(ALLOCATE).post("/ports/allocate"), 403,
                "forbidden").body("detail", containsString("'dashboard' has role reader, which may not "
                        + "POST /ports/allocate"));
        problem(bearer(READER_KEY).post("/ports/cleanup"), 403, "forbidden");
        problem(bearer(READER_KEY).post("/ports/heartbeat/00000000-0000-0000-0000-000000000000"), 403, "forbidden");
        bearer(READER_KEY).get("/ports/overview").then().body(equalTo(before));
    }

    @Test
    void aWriterAllocatesHeartbeatsAndReleasesButCannotCleanUp() {
        String id = bearer(WRITER_KEY).contentType(ContentType.JSON).body(ALLOCATE).post("/ports/allocate").then()
                .statusCode(200).extract().path("allocation.allocation_id");
        given().header("X-API-Key", WRITER_KEY).post("/ports/heartbeat/" + id).then().statusCode(200);
        bearer(READER_KEY).get("/ports/service/keyed").then().statusCode(200);
        problem(bearer(WRITER_KEY).post("/ports/cleanup"), 403, "forbidden")
                .body("detail", containsString("cleanup and a host's maintenance (drain or undrain with host) need"
                        + " admin"));
        bearer(WRITER_KEY).contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                .post("/ports/release").then().statusCode(200);
    }

    @Test
    void anAdminDoesEverything() {
        bearer(ADMIN_KEY).post("/ports/cleanup").then().statusCode(200);
        String id = bearer(ADMIN_KEY).contentType(ContentType.JSON).body(ALLOCATE).post("/ports/allocate").then()
                .statusCode(200).extract().path("allocation.allocation_id");
        bearer(ADMIN_KEY).contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\"}")
                .post("/ports/release").then().statusCode(200);
        bearer(ADMIN_KEY).get("/ports/directory").then().statusCode(200);
    }

    /** A service drains its own allocation with its writer key; a whole host's maintenance is an operator's act. */
    @Test
    void aWriterDrainsAnAllocationButOnlyAnAdminDrainsAHost() {
        String id = bearer(WRITER_KEY).contentType(ContentType.JSON).body(ALLOCATE).post("/ports/allocate").then()
                .statusCode(200).extract().path("allocation.allocation_id");
        String allocation = "{\"allocation_id\":\"" + id + "\"}";
        bearer(WRITER_KEY).contentType(ContentType.JSON).body(allocation).post("/ports/drain").then().statusCode(200);
        bearer(WRITER_KEY).contentType(ContentType.JSON).body(allocation).post("/ports/undrain").then()
                .statusCode(200);
        String host = "{\"host\":\"keyed-maintenance\"}";
        for (String path : new String[] {"/ports/drain", "/ports/undrain"}) {
            problem(bearer(WRITER_KEY).contentType(ContentType.JSON).body(host).post(path), 403, "forbidden")
                    .body("detail", containsString("a host's maintenance (drain or undrain with host) need admin"));
        }
        bearer(ADMIN_KEY).contentType(ContentType.JSON).body(host).post("/ports/drain").then().statusCode(200);
        bearer(ADMIN_KEY).contentType(ContentType.JSON).body(host).post("/ports/undrain").then().statusCode(200);
        bearer(WRITER_KEY).contentType(ContentType.JSON).body(allocation).post("/ports/release").then()
                .statusCode(200);
    }

    @Test
    void corsPreflightFromTheDashboardIsAnsweredWithoutAKey() {
        given().header("Origin", ApiKeysProfile.DASHBOARD).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/ports/allocate").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ApiKeysProfile.DASHBOARD)
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        bearer(READER_KEY).header("Origin", ApiKeysProfile.DASHBOARD).get("/ports/stats").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ApiKeysProfile.DASHBOARD);
    }

    @Test
    void anotherOriginGetsNoCorsGrant() {
        ValidatableResponse preflight = given().header("Origin", "https://evil.example.test")
                .header("Access-Control-Request-Method", "POST").options("/ports/allocate").then();
        preflight.header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
    }

    private static RequestSpecification bearer(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status, String kind) {
        return response.then().statusCode(status).contentType("application/problem+json")
                .header("X-Content-Type-Options", "nosniff")
                .body("status", equalTo(status)).body("success", equalTo(false))
                .body("type", equalTo("urn:sirsi-nexus:problem:" + kind))
                .body("message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }
}
