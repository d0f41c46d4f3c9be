package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.sirsi.nexus.registry.PortRegistry;
import io.sirsi.nexus.registry.ReportedAddresses;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry's side of the host agents, over HTTP: reports reconciled with allocations (squatters never granted on
 * their host alone, allocations not listening after the third silent report, the listener's PID as process id), the
 * agent role's limits, malformed reports refused whole, and a silent agent's host held dark.
 */
@QuarkusTest
@TestProfile(AgentKeysProfile.class)
class HostAgentsTest {

    @Inject
    TestClock clock;

    @Inject
    PortRegistry registry;

    private static RequestSpecification as(String key) {
        return given().auth().oauth2(key);
    }

    private static ValidatableResponse report(String key, String host, String listeners) {
        return as(key).contentType(ContentType.JSON).body("{\"agent_version\":\"test\",\"scanned_at\":"
                        + "\"2026-12-05T01:00:00Z\",\"listeners\":[" + listeners + "],\"ephemeral_range\":"
                        + "{\"first\":32768,\"last\":60999},\"reserved_ports\":[],\"addresses\":[\"10.0.0.2\"]}")
                .when().post("/ports/hosts/" + host + "/report").then();
    }

    private static String listener(int port, long pid) {
        return "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":" + pid
                + ",\"process\":\"python3\"}";
    }

    private static String udpSocket(int port, long pid) {
        return "{\"protocol\":\"udp\",\"address\":\"0.0.0.0\",\"port\":" + port + ",\"pid\":" + pid
                + ",\"process\":\"statsd\"}";
    }

    private static ValidatableResponse allocate(String host, String name, String extra) {
        return as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"service_name\":\"" + name
                        + "\",\"service_type\":\"cache\",\"host\":\"" + host + "\"" + extra + "}")
                .when().post("/ports/allocate").then().statusCode(200);
    }

    private static int port(ValidatableResponse allocated) {
        return allocated.extract().jsonPath().getInt("allocation.port");
    }

    private static ValidatableResponse service(String host, String name) {
        return as(AgentKeysProfile.READER_KEY).when().get("/ports/service/" + name + "?host=" + host).then()
                .statusCode(200);
    }

    private static String hostDetail(String host) {
        return as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts/" + host).then().statusCode(200).extract()
                .asString();
    }

    @Test
    void aHostsAddressesKeepItsAgentsOrderSoThatBridgesNeverCrowdOutItsOwn() {
        List<String> bridges = IntStream.rangeClosed(17, 33).mapToObj(i -> "172." + i + ".0.1").toList();
        List<String> reported = new ArrayList<>(List.of("192.168.1.10", "127.0.0.1"));
        reported.addAll(bridges);
        as(AgentKeysProfile.AGENT_KEY).contentType(ContentType.JSON).body("{\"agent_version\":\"test\","
                        + "\"scanned_at\":\"2026-12-05T01:00:00Z\",\"listeners\":[],\"addresses\":["
                        + reported.stream().map(address -> "\"" + address + "\"").collect(Collectors.joining(","))
                        + "]}").when().post("/ports/hosts/agent-addresses/report").then().statusCode(200);

        List<String> published = new ArrayList<>(List.of("192.168.1.10"));
        published.addAll(bridges.subList(0, ReportedAddresses.MAX_PER_HOST - 1));
        assertEquals(published, registry.reportedAddresses().of("agent-addresses"),
                "the agent's first address is kept; loopback is never published; the last bridge is dropped");
    }

    @Test
    void aSquatterIsSkippedOnItsHostAndOnlyThere() {
        ValidatableResponse probe = allocate("agent-squat", "squat-probe", "");
        int first = port(probe);
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"allocation_id\":\""
                + probe.extract().jsonPath().getString("allocation.allocation_id") + "\"}")
                .when().post("/ports/release").then().statusCode(200);
        report(AgentKeysProfile.AGENT_KEY, "agent-squat", listener(first, 777)).statusCode(200)
                .body("unregistered_listeners", equalTo(1));

        assertNotEquals(first, port(allocate("agent-squat", "after-squatter", "")),
                "the port a process holds on the host is not granted there");
        assertEquals(first, port(allocate("elsewhere", "after-squatter", "")), "another host is not affected");
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts/agent-squat").then().statusCode(200)
                .body("agent.status", equalTo("reporting"))
                .body("unregistered_listeners.port", contains(first))
                .body("unregistered_listeners.pid", contains(777))
                .body("ephemeral_range.first", equalTo(32768));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts").then().statusCode(200)
                .body("'agent-squat'.agent.status", equalTo("reporting"))
                .body("'agent-squat'.unregistered_listeners", equalTo(1))
                .body("elsewhere.agent", nullValue());
        assertEquals(1.0, Metrics.scrape(as(AgentKeysProfile.READER_KEY))
                .get("sirsi_unregistered_listeners{host=\"agent-squat\"}"));
    }

    @Test
    void aReportingHostsRangesAreJudgedByItsOwnKernel() {
        as(AgentKeysProfile.AGENT_KEY).contentType(ContentType.JSON).body("{\"agent_version\":\"test\","
                        + "\"scanned_at\":\"2026-12-05T01:00:00Z\",\"listeners\":[],"
                        + "\"ephemeral_range\":{\"first\":5000,\"last\":6350},"
                        + "\"reserved_ports\":[{\"first\":5400,\"last\":5499},{\"first\":6390,\"last\":6400}]}")
                .when().post("/ports/hosts/agent-ranges/report").then().statusCode(200);

        as(AgentKeysProfile.READER_KEY).when().get("/ports/ranges?host=agent-ranges").then().statusCode(200)
                .body("cache.overlaps_ephemeral", equalTo(true)) // 6300-6349 are the host's ephemeral ports
                .body("cache.reserved_on_host.first", contains(6390))
                .body("cache.reserved_on_host.last", contains(6399))
                .body("database.overlaps_ephemeral", equalTo(false)) // all of 5400-5499 reserved on that host
                .body("grpc.overlaps_ephemeral", equalTo(false))
                .body("grpc.reserved_on_host", empty());
        as(AgentKeysProfile.READER_KEY).when().get("/ports/ranges?host=elsewhere").then().statusCode(200)
                .body("cache.reserved_on_host", nullValue());
    }

    @Test
    void aKilledListenerIsNotListeningAfterTheThirdReportNotTheFirst() {
        int port = port(allocate("agent-silent", "silent", ""));
        report(AgentKeysProfile.AGENT_KEY, "agent-silent", listener(port, 4242)).statusCode(200);
        service("agent-silent", "silent").body("listening", equalTo(true)).body("process_id", equalTo(4242));

        for (int missed = 1; missed <= 2; missed++) {
            report(AgentKeysProfile.AGENT_KEY, "agent-silent", "").statusCode(200).body("not_listening", equalTo(0));
            service("agent-silent", "silent").body("listening", equalTo(true));
        }
        report(AgentKeysProfile.AGENT_KEY, "agent-silent", "").statusCode(200).body("not_listening", equalTo(1));
        service("agent-silent", "silent").body("listening", equalTo(false)).body("status", equalTo("Active"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts/agent-silent").then()
                .body("not_listening.service_name", contains("silent"));

        report(AgentKeysProfile.AGENT_KEY, "agent-silent", listener(port, 4243)).statusCode(200);
        service("agent-silent", "silent").body("listening", equalTo(true));
    }

    private static ValidatableResponse history(String query) {
        return as(AgentKeysProfile.READER_KEY).when().get("/ports/history?" + query).then().statusCode(200);
    }

    @Test
    void bothEdgesOfListeningAreEventsInTheChangeLog() {
        int port = port(allocate("agent-edges", "edges", ""));
        report(AgentKeysProfile.AGENT_KEY, "agent-edges", listener(port, 4242)).statusCode(200);
        for (int missed = 1; missed <= 2; missed++) {
            report(AgentKeysProfile.AGENT_KEY, "agent-edges", "").statusCode(200);
        }
        history("service=edges").body("type", contains("allocated"));

        report(AgentKeysProfile.AGENT_KEY, "agent-edges", "").statusCode(200);
        report(AgentKeysProfile.AGENT_KEY, "agent-edges", "").statusCode(200); // still silent: no second event
        history("service=edges&host=agent-edges&type=cache").body("type", contains("not_listening", "allocated"))
                .body("allocation.port", contains(port, port))
                .body("allocation.status", contains("Active", "Active"));

        report(AgentKeysProfile.AGENT_KEY, "agent-edges", listener(port, 4242)).statusCode(200);
        report(AgentKeysProfile.AGENT_KEY, "agent-edges", listener(port, 4242)).statusCode(200);
        history("service=edges").body("type", contains("listening", "not_listening", "allocated"));
    }

    private static void heartbeat(String id) {
        as(AgentKeysProfile.WRITER_KEY).when().post("/ports/heartbeat/" + id).then().statusCode(200);
    }

    private static void cleanup() {
        as(AgentKeysProfile.ADMIN_KEY).when().post("/ports/cleanup").then().statusCode(200);
    }

    @Test
    void aListenerKeepsItsAllocationAliveAndItsLossExpiresIt() {
        ValidatableResponse allocated = allocate("agent-live", "by-listener", ",\"liveness\":\"listener\"")
                .body("allocation.liveness", equalTo("listener"));
        String id = allocated.extract().jsonPath().getString("allocation.allocation_id");
        int port = port(allocated);

        report(AgentKeysProfile.AGENT_KEY, "agent-live", listener(port, 5000)).statusCode(200);
        clock.advance(Duration.ofSeconds(8)); // heartbeats time out after 10 s here; the service sends none
        report(AgentKeysProfile.AGENT_KEY, "agent-live", listener(port, 5000)).statusCode(200);
        clock.advance(Duration.ofSeconds(8));
        cleanup();
        service("agent-live", "by-listener").body("status", equalTo("Active")).body("process_id", equalTo(5000));

        for (int missed = 1; missed <= 3; missed++) {
            heartbeat(id); // the listener decides now: the service's own heartbeats do not keep it alive
            service("agent-live", "by-listener").body("status", equalTo("Active"));
            report(AgentKeysProfile.AGENT_KEY, "agent-live", "").statusCode(200);
        }
        service("agent-live", "by-listener").body("status", equalTo("Expired")).body("listening", nullValue());
        heartbeat(id);
        service("agent-live", "by-listener").body("status", equalTo("Expired"));
        history("service=by-listener").body("type", contains("expired", "not_listening", "allocated"));

        report(AgentKeysProfile.AGENT_KEY, "agent-live", listener(port, 5001)).statusCode(200);
        service("agent-live", "by-listener").body("status", equalTo("Active"));
    }

    @Test
    void aUdpSocketOnThePortIsNoListenerButStillHoldsThePort() {
        ValidatableResponse allocated = allocate("agent-udp", "tcp-service", ",\"liveness\":\"listener\"");
        int port = port(allocated);
        for (int report = 1; report <= 3; report++) {
            report(AgentKeysProfile.AGENT_KEY, "agent-udp", udpSocket(port, 4242)).statusCode(200);
        }
        service("agent-udp", "tcp-service").body("listening", equalTo(false)).body("process_id", nullValue());
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts/agent-udp").then()
                .body("not_listening.service_name", contains("tcp-service"));

        report(AgentKeysProfile.AGENT_KEY, "agent-udp", listener(port, 5000)).statusCode(200);
        service("agent-udp", "tcp-service").body("listening", equalTo(true)).body("process_id", equalTo(5000));
        for (int missed = 1; missed <= 3; missed++) { // its TCP listener gone, a UDP socket on its port is no heir
            report(AgentKeysProfile.AGENT_KEY, "agent-udp", udpSocket(port, 4242)).statusCode(200);
        }
        service("agent-udp", "tcp-service").body("status", equalTo("Expired"));

        // a UDP socket alone still keeps its port from being granted on its host
        int free = port(allocate("agent-udp", "udp-probe", ""));
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"allocation_id\":\""
                + allocate("agent-udp", "udp-probe", "").extract().jsonPath().getString("allocation.allocation_id")
                + "\"}").when().post("/ports/release").then().statusCode(200);
        report(AgentKeysProfile.AGENT_KEY, "agent-udp", udpSocket(free, 4243)).statusCode(200)
                .body("unregistered_listeners", equalTo(1));
        assertNotEquals(free, port(allocate("agent-udp", "after-udp", "")));
    }

    @Test
    void aUdpServiceListensOnItsBoundUdpSocketAndNotOnATcpListener() {
        ValidatableResponse allocated = allocate("agent-dgram", "statsd", ",\"protocol\":\"udp\","
                + "\"liveness\":\"listener\"").body("allocation.protocol", equalTo("udp"));
        String id = allocated.extract().jsonPath().getString("allocation.allocation_id");
        int port = port(allocated);

        report(AgentKeysProfile.AGENT_KEY, "agent-dgram", udpSocket(port, 4242)).statusCode(200)
                .body("unregistered_listeners", equalTo(0));
        service("agent-dgram", "statsd").body("listening", equalTo(true)).body("process_id", equalTo(4242))
                .body("protocol", equalTo("udp"));
        clock.advance(Duration.ofSeconds(8)); // heartbeats time out after 10 s here; the service sends none
        report(AgentKeysProfile.AGENT_KEY, "agent-dgram", udpSocket(port, 4242)).statusCode(200);
        clock.advance(Duration.ofSeconds(8));
        cleanup();
        service("agent-dgram", "statsd").body("status", equalTo("Active"));

        // asking again keeps its protocol; asking for the other one is a conflict, as another type is
        allocate("agent-dgram", "statsd", "").body("allocation.protocol", equalTo("udp"))
                .body("allocation.allocation_id", equalTo(id));
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"service_name\":\"statsd\","
                + "\"service_type\":\"cache\",\"host\":\"agent-dgram\",\"protocol\":\"tcp\"}")
                .when().post("/ports/allocate").then().statusCode(409)
                .body("detail", containsString("already holds port " + port + " for udp"));

        for (int missed = 1; missed <= 3; missed++) { // a TCP listener on its port is not its listener
            report(AgentKeysProfile.AGENT_KEY, "agent-dgram", listener(port, 5000)).statusCode(200);
        }
        service("agent-dgram", "statsd").body("status", equalTo("Expired"));
        history("service=statsd&host=agent-dgram").body("[0].allocation.protocol", equalTo("udp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {",\"protocol\":\"sctp\"", ",\"protocol\":\"udp\",\"check\":{\"type\":\"tcp\"}",
        ",\"protocol\":\"UDP\""})
    void anUnknownProtocolOrAUdpServiceWithACheckIsRefused(String extra) {
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"service_name\":\"odd-protocol\","
                + "\"service_type\":\"cache\",\"host\":\"agent-dgram\"" + extra + "}")
                .when().post("/ports/allocate").then().statusCode(400).contentType("application/problem+json")
                .body("detail", extra.contains("check") ? containsString("a udp service cannot have a check")
                        : containsString("expected one of tcp, udp"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/service/odd-protocol?host=agent-dgram").then()
                .statusCode(404); // refused whole: nothing allocated
    }

    @Test
    void heartbeatsKeepAListenerAllocationAliveUntilItsAgentHasSeenItListen() {
        report(AgentKeysProfile.AGENT_KEY, "agent-live", "").statusCode(200);
        String id = allocate("agent-live", "not-bound-yet", ",\"liveness\":\"listener\"").extract().jsonPath()
                .getString("allocation.allocation_id");
        for (int i = 0; i < 4; i++) {
            report(AgentKeysProfile.AGENT_KEY, "agent-live", "").statusCode(200);
        }
        clock.advance(Duration.ofSeconds(8));
        heartbeat(id);
        clock.advance(Duration.ofSeconds(8));
        cleanup();
        service("agent-live", "not-bound-yet").body("status", equalTo("Active")).body("listening", equalTo(false));
    }

    @Test
    void anUnknownLivenessIsRefused() {
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"service_name\":\"odd-liveness\","
                + "\"service_type\":\"cache\",\"host\":\"agent-live\",\"liveness\":\"prayer\"}")
                .when().post("/ports/allocate").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("expected one of heartbeat, listener"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/service/odd-liveness?host=agent-live").then()
                .statusCode(404); // refused whole: nothing allocated
    }

    private static ValidatableResponse reportChecks(String host, String results) {
        return as(AgentKeysProfile.AGENT_KEY).contentType(ContentType.JSON).body("{\"agent_version\":\"test\","
                        + "\"scanned_at\":\"2026-12-05T01:00:00Z\",\"listeners\":[],\"checks\":[" + results + "]}")
                .when().post("/ports/hosts/" + host + "/report").then();
    }

    private static String result(String id, String status, int second) {
        return "{\"allocation_id\":\"" + id + "\",\"status\":\"" + status + "\",\"output\":\"HTTP " + status
                + "\",\"ran_at\":\"2026-12-05T01:00:" + (10 + second) + "Z\"}";
    }

    private static String discovered() {
        return as(AgentKeysProfile.READER_KEY).when().get("/ports/sd/prometheus").then().statusCode(200).extract()
                .asString();
    }

    @Test
    void aCriticalCheckLeavesDiscoveryUntilItPassesAgain() {
        ValidatableResponse allocated = allocate("agent-check", "checked", ",\"check\":{\"type\":\"http\","
                + "\"path\":\"/health?deep=1\",\"interval\":\"5s\",\"timeout\":\"1s\"}")
                .body("allocation.check.status", equalTo("pending")).body("allocation.check.path",
                        equalTo("/health?deep=1"));
        String id = allocated.extract().jsonPath().getString("allocation.allocation_id");
        String target = "agent-check:" + port(allocated);
        assertTrue(discovered().contains(target), "pending is offered");

        reportChecks("agent-check", "").statusCode(200).body("checks.allocation_id", contains(id))
                .body("checks[0].type", equalTo("http")).body("checks[0].path", equalTo("/health?deep=1"))
                .body("checks[0].interval_ms", equalTo(5000)).body("checks[0].timeout_ms", equalTo(1000))
                .body("checks[0].port", equalTo(port(allocated)));
        reportChecks("agent-check", result(id, "passing", 0)).statusCode(200);
        service("agent-check", "checked").body("check.status", equalTo("passing"))
                .body("check.output", equalTo("HTTP passing"));

        reportChecks("agent-check", result(id, "critical", 1)).statusCode(200);
        reportChecks("agent-check", result(id, "critical", 1)).statusCode(200); // the same run, not counted again
        reportChecks("agent-check", result(id, "critical", 2)).statusCode(200);
        service("agent-check", "checked").body("check.status", equalTo("passing"));
        assertTrue(discovered().contains(target), "two failures are not an outage");
        reportChecks("agent-check", result(id, "critical", 3)).statusCode(200);
        service("agent-check", "checked").body("check.status", equalTo("critical"))
                .body("check.output", equalTo("HTTP critical")).body("status", equalTo("Active"));
        assertFalse(discovered().contains(target), "a critical instance leaves discovery");

        reportChecks("agent-check", result(id, "passing", 4)).statusCode(200);
        service("agent-check", "checked").body("check.status", equalTo("critical"));
        reportChecks("agent-check", result(id, "passing", 5)).statusCode(200);
        service("agent-check", "checked").body("check.status", equalTo("passing"));
        assertTrue(discovered().contains(target), "back once it passes again");
        history("service=checked").body("type", contains("check_passing", "check_critical", "not_listening",
                "check_passing", "allocated")); // these reports name no listener: not listening, as well
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"udp\"}",
        "{\"path\":\"/health\"}",
        "{\"type\":\"http\"}",
        "{\"type\":\"http\",\"path\":\"health\"}",
        "{\"type\":\"http\",\"path\":\"/a b\"}",
        "{\"type\":\"tcp\",\"path\":\"/health\"}",
        "{\"type\":\"tcp\",\"interval\":\"0s\"}",
        "{\"type\":\"tcp\",\"interval\":\"11m\"}",
        "{\"type\":\"tcp\",\"interval\":\"ten\"}",
        "{\"type\":\"tcp\",\"interval\":\"2s\",\"timeout\":\"3s\"}",
        "{\"type\":\"tcp\",\"timeout\":\"10ms\"}"})
    void aMalformedCheckIsRefused(String check) {
        as(AgentKeysProfile.WRITER_KEY).contentType(ContentType.JSON).body("{\"service_name\":\"bad-check\","
                        + "\"service_type\":\"cache\",\"host\":\"agent-check\",\"check\":" + check + "}")
                .when().post("/ports/allocate").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("check"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/service/bad-check?host=agent-check").then()
                .statusCode(404);
    }

    @Test
    void aMalformedCheckResultRefusesTheReport() {
        String id = allocate("agent-check", "result-checked", ",\"check\":{\"type\":\"tcp\"}").extract()
                .jsonPath().getString("allocation.allocation_id");
        reportChecks("agent-check", result(id, "pending", 0)).statusCode(400);
        reportChecks("agent-check", result(id, "fine", 0)).statusCode(400);
        reportChecks("agent-check", "{\"allocation_id\":\"" + id + "\",\"status\":\"critical\",\"output\":\""
                + "x".repeat(513) + "\",\"ran_at\":\"2026-12-05T01:00:00Z\"}").statusCode(400)
                .body("detail", containsString("at most 512"));
        reportChecks("agent-check", "{\"status\":\"critical\"}").statusCode(400);
        service("agent-check", "result-checked").body("check.status", equalTo("pending"));
    }

    @Test
    void anotherProcessHoldingTheGivenPortIsFlagged() {
        int port = port(allocate("agent-owner", "owned", ",\"process_id\":1000"));
        report(AgentKeysProfile.AGENT_KEY, "agent-owner", listener(port, 1000)).statusCode(200);
        service("agent-owner", "owned").body("process_id", equalTo(1000))
                .body("held_by_another_process", nullValue());

        report(AgentKeysProfile.AGENT_KEY, "agent-owner", listener(port, 2000)).statusCode(200);
        service("agent-owner", "owned").body("process_id", equalTo(1000))
                .body("held_by_another_process", equalTo(true));
    }

    @Test
    void theAgentRoleReportsForItsHostsAndDoesNothingElse() {
        report(AgentKeysProfile.AGENT_KEY, "elsewhere", listener(6300, 1)).statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("may report only for"));
        report(AgentKeysProfile.WRITER_KEY, "agent-refuse", listener(6300, 1)).statusCode(403);
        report("not-a-key", "agent-refuse", listener(6300, 1)).statusCode(401);
        as(AgentKeysProfile.AGENT_KEY).when().get("/ports/directory").then().statusCode(403);
        as(AgentKeysProfile.AGENT_KEY).when().get("/ports/hosts/agent-refuse").then().statusCode(403);
        as(AgentKeysProfile.AGENT_KEY).contentType(ContentType.JSON)
                .body("{\"service_name\":\"taken\",\"service_type\":\"cache\",\"host\":\"agent-refuse\"}")
                .when().post("/ports/allocate").then().statusCode(403);
        as(AgentKeysProfile.AGENT_KEY).when().get("/q/metrics").then().statusCode(403);
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts").then().statusCode(200)
                .body("'agent-refuse'", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":0}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":65536}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":-1}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":\"8080\"}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":8080,\"pid\":\"abc\"}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":8080,\"pid\":1.5}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":8080,\"pid\":0}",
        "{\"protocol\":\"sctp\",\"address\":\"0.0.0.0\",\"port\":8080}",
        "{\"protocol\":\"tcp\",\"port\":8080}",
        "{\"protocol\":\"tcp\",\"address\":\"0.0.0.0\",\"port\":8080,\"owner\":\"root\"}",
        "null",
        "[1]"})
    void aMalformedEntryRefusesTheWholeReport(String malformed) {
        report(AgentKeysProfile.AGENT_KEY, "agent-refuse", listener(6310, 10)).statusCode(200);
        String before = hostDetail("agent-refuse");

        report(AgentKeysProfile.AGENT_KEY, "agent-refuse", listener(6311, 11) + "," + malformed).statusCode(400)
                .contentType("application/problem+json");

        assertEquals(before, hostDetail("agent-refuse"), "a refused report changes nothing");
    }

    @Test
    void tooManyListenersAndOversizedReportsAreRefused() throws IOException {
        report(AgentKeysProfile.AGENT_KEY, "agent-refuse", listener(6310, 10)).statusCode(200);
        String before = hostDetail("agent-refuse");
        String compact = "{\"protocol\":\"tcp\",\"address\":\"a\",\"port\":1}";

        report(AgentKeysProfile.AGENT_KEY, "agent-refuse", IntStream.range(0, 20_001).mapToObj(i -> compact)
                .collect(Collectors.joining(","))).statusCode(400).body("detail", containsString("at most 20000"));
        String fake = IntStream.range(0, 100_000).mapToObj(i -> listener(1 + i % 65535, 1 + i))
                .collect(Collectors.joining(",", "{\"agent_version\":\"x\",\"scanned_at\":\"2026-12-05T01:00:00Z\","
                        + "\"listeners\":[", "]}"));
        // announced by its length and refused before it is read: the client sends only its start
        RawHttp.Answer oversized = RawHttp.send(RestAssured.port, "POST /ports/hosts/agent-refuse/report HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\nAuthorization: Bearer " + AgentKeysProfile.AGENT_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + fake.length() + "\r\n\r\n"
                + fake.substring(0, 1000));
        assertEquals(413, oversized.status(), oversized.body());
        assertEquals("application/problem+json", oversized.contentType());

        assertEquals(before, hostDetail("agent-refuse"));
    }

    @Test
    void aSilentAgentsHostIsHeldDarkNotExpired() {
        String id = allocate("agent-dark", "in-the-dark", "").extract().jsonPath()
                .getString("allocation.allocation_id");
        report(AgentKeysProfile.AGENT_KEY, "agent-dark", "").statusCode(200);

        clock.advance(Duration.ofMinutes(2));

        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts").then()
                .body("'agent-dark'.agent.status", equalTo("dark"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/health").then().statusCode(200)
                .body("dark_hosts", hasItem("agent-dark")).body("message", containsString("agent-dark"));
        as(AgentKeysProfile.ADMIN_KEY).when().post("/ports/cleanup").then().statusCode(200);
        service("agent-dark", "in-the-dark").body("status", equalTo("Active"));

        report(AgentKeysProfile.AGENT_KEY, "agent-dark", "").statusCode(200);
        as(AgentKeysProfile.READER_KEY).when().get("/ports/health").then()
                .body("dark_hosts", not(hasItem("agent-dark")));
        as(AgentKeysProfile.WRITER_KEY).when().post("/ports/heartbeat/" + id).then().statusCode(200);
        as(AgentKeysProfile.ADMIN_KEY).when().post("/ports/cleanup").then().statusCode(200);
        service("agent-dark", "in-the-dark").body("status", equalTo("Active"));
        as(AgentKeysProfile.READER_KEY).when().get("/ports/hosts/agent-dark").then()
                .body("not_listening", empty()).body("unregistered_listeners", empty());
    }
}
