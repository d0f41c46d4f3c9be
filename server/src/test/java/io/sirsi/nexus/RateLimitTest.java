package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-client token buckets over HTTP: 429 with Retry-After past the limit, and no harm to other clients. */
@QuarkusTest
@TestProfile(RateLimitProfile.class)
class RateLimitTest {

    @Test
    void aBurstPastTheLimitGets429WithRetryAfter() {
        List<Response> responses = atOnce(RateLimitProfile.BURST * 6, () -> as("bursty").get("/ports/directory"));
        Response refused = responses.stream().filter(r -> r.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no 429 in " + responses.size() + " requests at once"));
        refused.then().contentType("application/problem+json")
                .body("status", equalTo(429)).body("success", equalTo(false))
                .body("type", equalTo("urn:sirsi-nexus:problem:rate-limited"))
                .body("detail", containsString("too many reads from API key 'bursty'"))
                .header("Retry-After", "1");
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200 || r.statusCode() == 429));
        as("health").get("/q/metrics").then().statusCode(200) // with keys configured, metrics need one
                .body(containsString("sirsi_rate_limit_rejections_total{budget=\"reads\""));
    }

    @Test
    void writesHaveTheirOwnTighterBudget() {
        String body = "{\"service_name\":\"limited-writer\",\"service_type\":\"cache\"}";
        List<Response> responses = atOnce(RateLimitProfile.BURST * 3,
                () -> as("writer").contentType(ContentType.JSON).body(body).post("/ports/allocate"));
        long refused = responses.stream().filter(r -> r.statusCode() == 429).count();
        assertTrue(refused > 0, "expected writes past the burst to be refused");
        responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow().then()
                .contentType("application/problem+json").body("status", equalTo(429))
                .body("type", equalTo("urn:sirsi-nexus:problem:rate-limited"))
                .body("detail", containsString("too many writes from API key 'writer'"))
                .header("Retry-After", "1");
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200 || r.statusCode() == 429));
        // The same client still reads: reads are a separate budget.
        as("writer").get("/ports/service/limited-writer").then().statusCode(200);
    }

    @Test
    void healthEndpointsAreExempt() {
        for (int i = 0; i < RateLimitProfile.BURST * 4; i++) {
            as("health").get("/ports/health").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
        }
    }

    /** Guessing keys costs the guessing address its write budget: past it, 429 instead of 401. */
    @Test
    void failedAuthenticationsAreRateLimitedByAddress() {
        AtomicInteger guess = new AtomicInteger();
        List<Response> responses = atOnce(RateLimitProfile.BURST * 4, () -> given()
                .header("Authorization", "Bearer wrong-guess-" + guess.incrementAndGet()).get("/ports/directory"));
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 401 || r.statusCode() == 429));
        Response refused = responses.stream().filter(r -> r.statusCode() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no 429 among " + responses.size() + " wrong keys"));
        refused.then().contentType("application/problem+json").body("status", equalTo(429))
                .body("type", equalTo("urn:sirsi-nexus:problem:rate-limited"))
                .body("detail", containsString("from address 127.0.0.1")).header("Retry-After", "1");
        // a client with a good key has its own budget
        as("polite").get("/ports/directory").then().statusCode(200);
    }

    /** A client well under its limit keeps getting 200s while another hammers the same endpoint. */
    @Test
    void aPoliteClientIsUnharmedByAHammeringOne() throws Exception {
        int politeRequests = 12;
        // Half its rate, counted from the end of the previous answer: never over its limit, however slow.
        long interval = 1000 / RateLimitProfile.READS_PER_SECOND * 2;
        List<Long> alone = politely(politeRequests / 2, interval);
        ExecutorService hammers = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger hammered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                running.add(hammers.submit(() -> {
                    while (!stop.get()) {
                        int status = as("hammer").get("/ports/directory").statusCode();
                        hammered.incrementAndGet();
                        refused.addAndGet(status == 429 ? 1 : 0);
                    }
                }));
            }
            List<Long> latencies = politely(politeRequests, interval);
            stop.set(true);
            for (Future<?> hammer : running) {
                hammer.get(10, TimeUnit.SECONDS);
            }
            assertEquals(politeRequests, latencies.size());
            assertTrue(refused.get() > hammered.get() / 2,
                    "the hammering client should mostly be refused: " + refused + " of " + hammered);
            // Measured, not asserted: speed belongs to benchmarks, and this machine's load varies.
            System.out.printf("rate limit: polite client alone: median %d ms, max %d ms; while another hammers: "
                    + "%d x 200, median %d ms, max %d ms; the hammering client sent %d, %d refused with 429%n",
                    alone.get(alone.size() / 2), alone.get(alone.size() - 1), politeRequests,
                    latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1), hammered.get(),
                    refused.get());
        } finally {
            stop.set(true);
            hammers.shutdownNow();
        }
    }

    /** The polite client's reads, each a 200, with a pause between them; returns the sorted latencies in ms. */
    private static List<Long> politely(int requests, long pauseMillis) throws InterruptedException {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            as("polite").get("/ports/directory").then().statusCode(200);
            latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            Thread.sleep(pauseMillis);
        }
        latencies.sort(null);
        return latencies;
    }

    /** Sends {@code count} requests from 8 threads at once and returns their responses. */
    private static List<Response> atOnce(int count, Callable<Response> request) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(pool.submit(request));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> response : sent) {
                responses.add(response.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static RequestSpecification as(String client) {
        return given().header("Authorization", "Bearer " + RateLimitProfile.key(client));
    }
}
