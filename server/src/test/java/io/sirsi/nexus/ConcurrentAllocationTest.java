package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many clients allocating at once never share a port. */
@QuarkusTest
class ConcurrentAllocationTest {

    private static final int THREADS = 16;
    private static final int PER_THREAD = 25;

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    @Test
    void concurrentAllocationsGetDistinctPorts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Integer>>> results = IntStream.range(0, THREADS)
                    .mapToObj(thread -> pool.submit(allocations(thread, start))).toList();
            start.countDown();
            List<Integer> ports = results.stream().flatMap(result -> join(result).stream()).toList();

            assertEquals(THREADS * PER_THREAD, ports.size());
            assertEquals(ports.size(), Set.copyOf(ports).size(), "a port was handed out twice");
            JsonPath stats = io.restassured.RestAssured.get("/ports/stats").then().extract().jsonPath();
            assertEquals(THREADS * PER_THREAD, stats.getInt("total_allocations"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameServiceAskingConcurrentlyGetsOneAllocation() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = IntStream.range(0, THREADS).mapToObj(i -> pool.submit(() -> {
                start.await();
                return Registry.allocate("singleton", "grpc").statusCode(200).extract()
                        .jsonPath().getString("allocation.allocation_id");
            })).toList();
            start.countDown();
            Set<String> ids = results.stream().map(ConcurrentAllocationTest::join).collect(Collectors.toSet());
            assertEquals(1, ids.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Callable<List<Integer>> allocations(int thread, CountDownLatch start) {
        return () -> {
            start.await();
            // custom, with a spread of preferred ports so that requests collide on purpose
            return IntStream.range(0, PER_THREAD).mapToObj(i -> Registry.allocate(
                    "{\"service_name\":\"svc-" + thread + "-" + i + "\",\"service_type\":\"custom\","
                            + "\"preferred_port\":" + (9000 + i) + "}")
                    .statusCode(200).extract().jsonPath().getInt("allocation.port")).toList();
        };
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
