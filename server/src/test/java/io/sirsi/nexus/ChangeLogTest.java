package io.sirsi.nexus;

import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change log over HTTP: the event stream, resuming it, blocking reads and the history. */
@QuarkusTest
class ChangeLogTest {

    private String baseUrl;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
        baseUrl = "http://localhost:" + RestAssured.port;
    }

    private static long index() {
        return Long.parseLong(get("/ports/stats").then().statusCode(200).extract().header("X-Sirsi-Index"));
    }

    @Test
    void everyChangeArrivesInOrderWithItsRevision() throws Exception {
        try (EventStream stream = EventStream.open(baseUrl, "/ports/events", Map.of())) {
            long before = index();
            Registry.Granted granted = Registry.grant("watched", "grpc");
            Registry.allocate("watched", "grpc").statusCode(200);
            Registry.release(granted.allocationId()).statusCode(200);

            List<EventStream.Event> events = stream.next(3);
            assertEquals(List.of("allocated", "renewed", "released"), events.stream().map(EventStream.Event::type)
                    .toList());
            for (int i = 0; i < events.size(); i++) {
                EventStream.Event event = events.get(i);
                assertEquals(before + 1 + i, event.id(), "revisions follow each other: " + events);
                assertEquals(event.id(), event.data().path("revision").asLong());
                assertEquals(event.type(), event.data().path("type").asText());
                assertTrue(event.data().path("at").asText().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"),
                        event.data().toString());
                assertEquals("watched", event.service());
                assertEquals(granted.allocationId(), event.data().path("allocation").path("allocation_id").asText());
                assertEquals(granted.port(), event.data().path("allocation").path("port").asInt());
                assertEquals("grpc", event.data().path("allocation").path("service_type").asText());
                assertEquals("localhost", event.data().path("allocation").path("host").asText());
            }
            assertEquals("Active", events.get(0).data().path("allocation").path("status").asText());
            assertEquals(before + 3, index());
        }
    }

    @Test
    void aDroppedStreamResumesWithLastEventIdLosingAndRepeatingNothing() throws Exception {
        long start = index();
        long resumeFrom;
        try (EventStream stream = EventStream.open(baseUrl, "/ports/events?since=" + start, Map.of())) {
            for (int i = 0; i < 3; i++) {
                Registry.grant("resume-" + i, "custom");
            }
            resumeFrom = stream.next(1).get(0).id();
        }
        for (int i = 3; i < 5; i++) {
            Registry.grant("resume-" + i, "custom");
        }
        try (EventStream resumed = EventStream.open(baseUrl, "/ports/events?since=" + start,
                Map.of("Last-Event-ID", Long.toString(resumeFrom)))) {
            List<EventStream.Event> rest = resumed.next(4);
            assertEquals(List.of(resumeFrom + 1, resumeFrom + 2, resumeFrom + 3, resumeFrom + 4),
                    rest.stream().map(EventStream.Event::id).toList());
            assertEquals(List.of("resume-1", "resume-2", "resume-3", "resume-4"),
                    rest.stream().map(EventStream.Event::service).toList());
        }
    }

    @Test
    void aStreamFromAnEarlierRevisionReplaysTheLogThenFollowsIt() throws Exception {
        long start = index();
        Registry.grant("replayed", "cache");
        try (EventStream stream = EventStream.open(baseUrl, "/ports/events?since=" + start, Map.of())) {
            Registry.grant("followed", "cache");
            assertEquals(List.of("replayed", "followed"), stream.next(2).stream().map(EventStream.Event::service)
                    .toList());
        }
    }

    @Test
    void filtersPickTheServiceAndTheType() throws Exception {
        try (EventStream byService = EventStream.open(baseUrl, "/ports/events?service=wanted", Map.of());
                EventStream byType = EventStream.open(baseUrl, "/ports/events?type=database", Map.of())) {
            Registry.grant("unwanted", "cache");
            Registry.grant("wanted", "cache");
            Registry.grant("db", "database");
            assertEquals("wanted", byService.next(1).get(0).service());
            assertEquals("db", byType.next(1).get(0).service());
            Registry.grant("wanted-not", "cache");
            Registry.grant("last", "database");
            assertEquals("last", byType.next(1).get(0).service());
            assertEquals(List.of(), byService.pending());
        }
    }

    /**
     * A filtered stream's keep-alive carries, as an id without data, the revision it has read up to: a client that
     * resumes from its last id then starts after the events its filter passed over, not before them (they may have
     * been pruned since, which made a quiet service's watch end in a 410).
     */
    @Test
    void aKeepAliveCarriesTheRevisionAFilteredStreamHasReadUpTo() throws Exception {
        try (EventStream quiet = EventStream.open(baseUrl, "/ports/events?service=quiet", Map.of())) {
            Registry.grant("busy", "cache");
            Registry.grant("busier", "cache");
            long newest = index();

            await().atMost(Duration.ofSeconds(60)).until(() -> quiet.lastId() >= newest); // within one 15-s beat
            assertEquals(List.of(), quiet.pending(), "no event: the filter passed both over");
        }
    }

    @Test
    void malformedWatchesAreRefusedWithProblems() {
        for (String query : List.of("since=-1", "since=abc", "type=nonsense", "service=Bad_Name!")) {
            given().accept("text/event-stream").when().get("/ports/events?" + query).then().statusCode(400)
                    .contentType("application/problem+json").body("success", equalTo(false));
        }
        given().header("Last-Event-ID", "x1").accept("text/event-stream").when().get("/ports/events").then()
                .statusCode(400).body("detail", containsString("Last-Event-ID"));
    }

    @Test
    void aRevisionAheadOfTheLogIsRefusedWithWhatToDo() {
        Registry.allocate("ahead-" + System.nanoTime(), "web");
        long head = index();
        for (long ahead : List.of(head + 3, head + 1_000_000_000_000L)) {
            given().accept("text/event-stream").when().get("/ports/events?since=" + ahead).then().statusCode(409)
                    .contentType("application/problem+json").body("detail", containsString("revision " + ahead))
                    .body("detail", containsString("/ports/directory"));
            given().header("Last-Event-ID", String.valueOf(ahead)).accept("text/event-stream").when()
                    .get("/ports/events").then().statusCode(409).contentType("application/problem+json");
        }
    }

    @Test
    void aBlockingReadIsReleasedByAChange() throws Exception {
        long index = index();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(
                () -> given().when().get("/ports/directory?index=" + index + "&wait=60s"));
        Registry.grant("awaited", "frontend");
        Response answered = waiting.get();
        assertEquals(200, answered.statusCode());
        assertTrue(Long.parseLong(answered.header("X-Sirsi-Index")) > index, answered.headers().toString());
        assertTrue(answered.jsonPath().getMap("$").containsKey("awaited"), answered.asString());
    }

    @Test
    void aBlockingReadThatSeesNoChangeAnswersWhenItsWaitEnds() {
        long index = index();
        given().when().get("/ports/stats?index=" + index + "&wait=300ms").then().statusCode(200)
                .header("X-Sirsi-Index", Long.toString(index));
        given().when().get("/ports/stats?index=" + (index - 1) + "&wait=5m").then().statusCode(200)
                .header("X-Sirsi-Index", Long.toString(index));
        for (String query : List.of("index=x", "index=1&wait=6m", "index=1&wait=30", "index=-2")) {
            given().when().get("/ports/overview?" + query).then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void historyListsWhatHappenedNewestFirst() {
        Registry.Granted first = Registry.grant("historic", "security");
        Registry.release(first.allocationId()).statusCode(200);
        Registry.Granted second = Registry.grant("historic", "security");
        Registry.grant("bystander", "security");

        given().when().get("/ports/history?service=historic").then().statusCode(200)
                .body("type", equalTo(List.of("allocated", "released", "allocated")))
                .body("[0].allocation.allocation_id", equalTo(second.allocationId()))
                .body("[2].allocation.allocation_id", equalTo(first.allocationId()))
                .body("[0].at", matchesPattern("\\d{4}-.*Z"));
        given().when().get("/ports/history?type=security&limit=2").then().statusCode(200)
                .body("allocation.service_name", equalTo(List.of("bystander", "historic")));
        given().when().get("/ports/history?port=" + first.port() + "&service=historic&limit=1").then()
                .statusCode(200).body("type", equalTo(List.of("allocated")));
        given().when().get("/ports/history?service=historic&from=2999-01-01T00:00:00Z").then().statusCode(200)
                .body("size()", equalTo(0));
        for (String query : List.of("limit=0", "limit=1001", "port=0", "from=yesterday", "type=x", "service=UPPER",
                "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")) {
            given().when().get("/ports/history?" + query).then().statusCode(400)
                    .contentType("application/problem+json").body("success", equalTo(false));
        }
    }

    @Test
    void everyAnswerCarriesTheRevisionItIsAtLeastAsNewAs() {
        long before = index();
        Registry.allocate("indexed", "websocket").statusCode(200).header("X-Sirsi-Index", matchesPattern("\\d+"));
        get("/ports/service/indexed").then().statusCode(200).header("X-Sirsi-Index", Long.toString(before + 1));
        get("/ports/service/nobody").then().statusCode(404).header("X-Sirsi-Index", Long.toString(before + 1));
        for (String path : List.of("/ports/sd/prometheus", "/ports/hosts/localhost", "/ports/hosts",
                "/ports/analytics", "/ports/history")) {
            get(path).then().statusCode(200).header("X-Sirsi-Index", Long.toString(before + 1));
        }
    }

    /** Also the watch, its refusals, and the 400s of the query-parameter rule, given before any endpoint runs. */
    @Test
    void answersRefusedBeforeTheEndpointAndTheWatchCarryTheRevisionToo() throws Exception {
        Registry.allocate("indexed-too", "websocket").statusCode(200);
        String revision = Long.toString(index());
        for (String query : List.of("/ports/directory?host=a&host=b", "/ports/stats?host=", "/ports/history?limit",
                "/ports/events?since=abc", "/ports/events?since=1&since=2", "/ports/events?host=")) {
            given().accept("text/event-stream").get(query).then().statusCode(400)
                    .contentType("application/problem+json").header("X-Sirsi-Index", revision);
        }
        given().accept("text/event-stream").get("/ports/events?since=" + (Long.parseLong(revision) + 5)).then()
                .statusCode(409).header("X-Sirsi-Index", revision);
        given().post("/ports/events").then().statusCode(405).header("X-Sirsi-Index", revision);
        try (EventStream stream = EventStream.open(baseUrl, "/ports/events", Map.of())) {
            assertEquals(revision, stream.header("X-Sirsi-Index"));
        }
    }
}
