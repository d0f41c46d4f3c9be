package io.sirsi.nexus;

import static io.restassured.RestAssured.get;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sirsi.nexus.registry.Allocation;
import io.sirsi.nexus.registry.RegistryConfig;
import io.sirsi.nexus.store.JdbcAllocationStore;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the store refuses a write (full disk, lost database), the requests whose changes it held fail with 503 and
 * change nothing: not the stored allocations, not what the registry answers, not the ports it hands out next.
 */
@QuarkusTest
@TestProfile(StoreFailureProfile.class)
class StoreFailureTest {

    /** A Java class's name, qualified ({@code java.lang.IllegalStateException}) or an exception's simple name. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b[a-z]+\\.[a-z]+\\.[A-Z]|\\b\\w*(Exception|Error)\\b");

    @Inject
    WriteFailingStore failing;

    @Inject
    JdbcAllocationStore store;

    @Inject
    RegistryConfig config;

    @BeforeEach
    void emptyRegistry() {
        failing.failNextWrites(0);
        Registry.releaseAll();
    }

    @Test
    void aRefusedWriteChangesNothing() {
        Registry.Granted keeper = Registry.grant("keeper", "custom");
        String overview = Registry.overview();
        String ranges = get("/ports/ranges").then().statusCode(200).extract().asString();

        failing.failNextWrites(2);
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

    /**
     * A write that fails in a way nobody foresaw (a bug) is a 503 like any other, and its detail says so in words:
     * no Java class name or exception text reaches the client; the log has them.
     */
    @Test
    void anUnforeseenFailureNamesNoJavaClass() {
        Registry.Granted keeper = Registry.grant("keeper", "custom");
        String overview = Registry.overview();

        failing.breakNextWrite();
        String detail = Registry.allocate("newcomer", "custom").statusCode(503)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("nothing was changed"))
                .extract().path("detail");
        assertFalse(JAVA_NAME.matcher(detail).find(), detail);
        assertThat(detail, not(containsString("a bug in the store")));

        assertEquals(overview, Registry.overview());
        get("/ports/service/newcomer").then().statusCode(404);
        assertEquals(keeper.port() + 1, Registry.grant("newcomer", "custom").port(), "the writer carries on");
        assertStoreHoldsWhatTheRegistryAnswers();
    }

    /**
     * Requests that arrive while a write fails are decided after it, on an index it no longer touches, so they go
     * through on both stores (when they arrive does not matter: they never join a group already writing).
     */
    @Test
    void requestsQueuedBehindARefusedWriteGoThrough() throws Exception {
        int behind = 6;
        failing.holdNextWrite();
        ExecutorService pool = Executors.newFixedThreadPool(behind + 1);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            statuses.add(pool.submit(() -> Registry.allocate("queued-0", "custom").extract().statusCode()));
            failing.awaitHeldWrite();
            for (int i = 1; i <= behind; i++) {
                String name = "queued-" + i;
                statuses.add(pool.submit(() -> Registry.allocate(name, "custom").extract().statusCode()));
            }
            failing.failHeldWrite();

            List<Integer> expectedStatuses = new ArrayList<>(List.of(503));
            expectedStatuses.addAll(Collections.nCopies(behind, 200));
            assertEquals(expectedStatuses, statuses.stream().map(StoreFailureTest::join).toList());
            get("/ports/service/queued-0").then().statusCode(404);
            for (int i = 1; i <= behind; i++) {
                get("/ports/service/queued-" + i).then().statusCode(200);
            }
            // the writer carries on with the next change
            Registry.Granted next = Registry.grant("after-the-failure", "custom");
            get("/ports/service/after-the-failure").then().statusCode(200).body("port", is(next.port()));
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
        Map<String, String> stored = store.load().allocations().stream().collect(Collectors.toMap(
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
