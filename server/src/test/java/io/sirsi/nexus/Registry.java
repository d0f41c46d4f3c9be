package io.sirsi.nexus;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;

/** Test helpers that speak to the running registry over HTTP, as any client would. */
public final class Registry {

    private Registry() {
    }

    public static ValidatableResponse allocate(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/ports/allocate").then();
    }

    public static ValidatableResponse allocate(String name, String type) {
        return allocate("{\"service_name\":\"" + name + "\",\"service_type\":\"" + type + "\"}");
    }

    public static ValidatableResponse allocate(String name, String type, int preferredPort, boolean required) {
        return allocate("{\"service_name\":\"" + name + "\",\"service_type\":\"" + type + "\",\"preferred_port\":"
                + preferredPort + ",\"required\":" + required + "}");
    }

    /** Allocates and returns the granted port and the allocation id. */
    public static Granted grant(String name, String type) {
        var body = allocate(name, type).statusCode(200).extract().jsonPath();
        return new Granted(body.getInt("allocation.port"), body.getString("allocation.allocation_id"));
    }

    public record Granted(int port, String allocationId) {
    }

    public static ValidatableResponse release(String allocationId) {
        return given().contentType(ContentType.JSON).body("{\"allocation_id\":\"" + allocationId + "\"}")
                .when().post("/ports/release").then();
    }

    public static ValidatableResponse heartbeat(String allocationId) {
        return given().when().post("/ports/heartbeat/" + allocationId).then();
    }

    /** The overview as a string: equal strings mean an unchanged registry. */
    public static String overview() {
        return given().when().get("/ports/overview").then().statusCode(200).extract().asString();
    }

    /** Releases every allocation on every host that can be released, so that a test starts from a known state. */
    public static void releaseAll() {
        List<Map<String, Object>> all = given().when().get("/ports/allocations").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<String> ids = all.stream().filter(a -> !"Reserved".equals(a.get("status")))
                .map(a -> (String) a.get("allocation_id")).toList();
        ids.forEach(id -> release(id).statusCode(200));
    }
}
