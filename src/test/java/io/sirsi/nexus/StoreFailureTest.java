package io.sirsi.nexus;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the store refuses a write (full disk, lost database), the requests whose changes it held fail with 503 and
 * change nothing: not the stored allocations, not what the registry answers, not the ports it hands out next.
 */
@QuarkusTest
@TestProfile(StoreFailureProfile.class)
class StoreFailureTest {

    @Inject
    WriteFailingStore failing;

    @Inject
    JdbcAllocationStore store;

    @Inject
    RegistryConfig config;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void aRefusedWriteChangesNothing() {
        Registry.Granted keeper = Registry.grant("keeper", "custom");
        String overview = Registry.overview();
        String ranges = get("/ports/ranges").then().statusCode(200).extract().asString();

        failing.failNextWrites(2, Duration.ZERO);
        Registry.allocate("newcomer", "custom").statusCode(503)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("disk full"));
        Registry.release(keeper.allocationId()).statusCode(503);

        assertEquals(overview, Registry.overview());
        assertEquals(ranges, get("/ports/ranges").then().statusCode(200).extract().asString());
        get("/ports/service/newcomer").then().statusCode(404);
        get("/ports/service/keeper").then().statusCode(200).body("port", is(keeper.port()));
        assertStoreHoldsWhatTheRegistryAnswers();

        // the port the refused allocation had been given is free again: the next service gets it
        Registry.Granted newcomer = Registry.grant("newcomer", "custom");
        assertEquals(keeper.port() + 1, newcomer.port());
        assertStoreHoldsWhatTheRegistryAnswers();
    }

    @Test
    void requestsQueuedBehindARefusedWriteAreRefusedWithIt() throws Exception {
        failing.failNextWrites(1, Duration.ofMillis(300));
        int clients = 24;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ExtractableResponse<Response>>> answers = IntStream.range(0, clients)
                    .mapToObj(i -> pool.submit(() -> {
                        start.await();
                        Thread.sleep(i * 20L); // spread over the failing write's pause
                        return Registry.allocate("queued-" + i, "custom").extract();
                    })).toList();
            start.countDown();

            Map<Integer, List<String>> namesByStatus = IntStream.range(0, clients).boxed().collect(
                    Collectors.groupingBy(i -> join(answers.get(i)).statusCode(),
                            Collectors.mapping(i -> "queued-" + i, Collectors.toList())));
            assertEquals(Map.of(), namesByStatus.entrySet().stream()
                    .filter(entry -> entry.getKey() != 200 && entry.getKey() != 503)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "only 200 or 503");
            assertTrue(namesByStatus.containsKey(503), "the failing write refused no request: " + namesByStatus);
            assertTrue(namesByStatus.containsKey(200), "no request succeeded after the failure: " + namesByStatus);

            namesByStatus.get(200).forEach(name -> get("/ports/service/" + name).then().statusCode(200));
            namesByStatus.get(503).forEach(name -> get("/ports/service/" + name).then().statusCode(404));
            assertStoreHoldsWhatTheRegistryAnswers();
        } finally {
            pool.shutdownNow();
        }
    }

    /** What a restart would load is what the registry answers now: same ids, names and ports. */
    private void assertStoreHoldsWhatTheRegistryAnswers() {
        Map<String, Object> directory = get("/ports/directory").then().statusCode(200).extract().jsonPath()
                .getMap("$");
        Map<String, String> answered = directory.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> ((Map<?, ?>) entry.getValue()).get("allocation_id") + "@"
                        + ((Map<?, ?>) entry.getValue()).get("port")));
        Map<String, String> stored = store.loadAll(config.host()).stream().collect(Collectors.toMap(
                Allocation::serviceName, allocation -> allocation.allocationId() + "@" + allocation.port()));
        assertEquals(stored, answered);
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
