package io.sirsi.nexus;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.sirsi.nexus.testing.RegistryProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Draining on two replicas sharing PostgreSQL: a drain decided on one is seen by the other at once (its discovery no
 * longer offers the instance), its end is decided once across both (one {@code released} event), and a host put in
 * maintenance on one refuses new allocations on the other.
 */
class DrainReplicasIT {

    @Test
    void everyReplicaSeesADrainAndItEndsOnce() throws Exception {
        TestPostgresql database = TestPostgresql.require();
        database.empty();
        List<RegistryProcess> replicas = ReplicasIT.startReplicas(database, 2, "-Dsirsi.ports.expiry-interval=200ms");
        try {
            RegistryProcess first = replicas.get(0);
            RegistryProcess second = replicas.get(1);
            String id = first.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"shared\",\"service_type\":\"cache\"}").post("/ports/allocate").then()
                    .statusCode(200).extract().path("allocation.allocation_id");
            first.request().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + id + "\",\"for\":\"3s\"}")
                    .post("/ports/drain").then().statusCode(200);
            second.request().get("/ports/instances/shared?status=Active").then().statusCode(200)
                    .body("size()", equalTo(0));
            second.request().get("/ports/instances/shared").then().body("[0].status", equalTo("Draining"));

            second.request().contentType(ContentType.JSON).body("{\"host\":\"rack-3\",\"for\":\"1h\"}")
                    .post("/ports/drain").then().statusCode(200);
            first.request().contentType(ContentType.JSON)
                    .body("{\"service_name\":\"late\",\"service_type\":\"cache\",\"host\":\"rack-3\"}")
                    .post("/ports/allocate").then().statusCode(409)
                    .body("detail", containsString("host rack-3 is in maintenance until"));

            await().alias("the drain ended").atMost(Duration.ofSeconds(60)).until(() ->
                    second.request().get("/ports/service/shared").statusCode() == 404);
            first.request().get("/ports/service/shared").then().statusCode(404);
            List<String> types = first.request().get("/ports/history?service=shared").then().statusCode(200)
                    .extract().jsonPath().getList("type");
            assertEquals(List.of("released", "draining", "allocated"), types, "released once, by one replica");
        } finally {
            for (RegistryProcess replica : replicas) {
                replica.close();
            }
        }
    }
}
