package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configured ranges, reserved ports, static reservations and the bind check. */
@QuarkusTest
@TestProfile(ConfiguredPortsProfile.class)
class ConfiguredPortsTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void reservedPortsAreNeverHandedOutAndAFullRangeIsAConflict() {
        Registry.allocate("s1", "security").statusCode(200).body("allocation.port", equalTo(8302));
        Registry.allocate("s2", "security").statusCode(200).body("allocation.port", equalTo(8303));
        String before = Registry.overview();
        Registry.allocate("s3", "security").statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("8300-8303"))
                .body("detail", containsString("2 of 4 held by allocations, 2 reserved"));
        assertEquals(before, Registry.overview());
        given().when().get("/ports/ranges").then()
                .body("security.first_port", equalTo(8300)).body("security.last_port", equalTo(8303))
                .body("security.in_use", equalTo(2)).body("security.reserved", equalTo(2))
                .body("security.available", equalTo(0));
    }

    @Test
    void aReservedPreferredPortIsRefusedWhenRequiredAndSkippedOtherwise() {
        Registry.allocate("api", "rest-api", 8090, true).statusCode(409).body("detail", containsString("reserved"));
        Registry.allocate("api", "rest-api", 8090, false).statusCode(200).body("allocation.port", equalTo(8080));
    }

    @Test
    void staticReservationsAreReservedForeverAndCannotBeReleased() {
        String id = given().when().get("/ports/service/postgres").then().statusCode(200)
                .body("port", equalTo(5432)).body("service_type", equalTo("database"))
                .body("status", equalTo("Reserved"))
                .extract().path("allocation_id");
        given().when().get("/ports/stats").then().body("reserved_allocations", equalTo(1));
        Registry.release(id).statusCode(409).body("detail", containsString("sirsi.ports.static.postgres"));
        Registry.heartbeat(id).statusCode(200);
        Registry.allocate("intruder", "database", 5432, true).statusCode(409)
                .body("detail", containsString("'postgres'"));
        Registry.allocate("postgres", "database").statusCode(200).body("allocation.allocation_id", equalTo(id));
        given().when().post("/ports/cleanup").then().body("removed", equalTo(0));
        given().when().get("/ports/port/5432").then().body("status", equalTo("Reserved"));
    }

    @Test
    void portsOtherProcessesListenOnAreSkipped() throws IOException {
        try (ServerSocket squatter = listenInGrpcRange()) {
            int taken = squatter.getLocalPort();
            Registry.allocate("grpc-one", "grpc", taken, true).statusCode(409)
                    .body("detail", containsString("another process"));
            Registry.allocate("grpc-one", "grpc").statusCode(200).body("allocation.port", not(equalTo(taken)));
        }
    }

    /** Listens on the first free port of the profile's grpc range (30050-30059, clear of the ephemeral ports). */
    private static ServerSocket listenInGrpcRange() throws IOException {
        for (int port = 30050; port <= 30059; port++) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(port));
                return socket;
            } catch (IOException taken) {
                socket.close();
            }
        }
        throw new IOException("every port of the grpc range 30050-30059 is in use");
    }
}
