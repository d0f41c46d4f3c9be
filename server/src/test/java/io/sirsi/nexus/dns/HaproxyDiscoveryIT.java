package io.sirsi.nexus.dns;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sirsi.nexus.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

/**
 * HAProxy, unmodified, routes real HTTP to real backends it finds in the registry's SRV records: a new instance gets
 * traffic, a drained one gets no new requests while its request in flight completes, a released one leaves. Each
 * within the TTL plus HAProxy's hold times; how long each took is printed ("HAPROXY: ...") for README and
 * docs/benchmarks.md, never asserted (the machine is shared).
 */
class HaproxyDiscoveryIT {

    private static final String SERVICE = "shop";
    /** Far above the TTL (5 s) plus the hold times (1 s each): only a broken path takes this long. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Requests in a row that must miss an instance before it counts as gone: with 3 in round robin, 1 in 3 hits. */
    private static final int MISSES_FOR_GONE = 9;

    @Test
    void haproxyFollowsNewDrainedAndReleasedInstances() throws Exception {
        Haproxy.require();
        Path dir = Files.createTempDirectory("sirsi-nexus-haproxy");
        int dnsPort = RegistryProcess.freePort();
        try (RegistryProcess registry = RegistryProcess.start(dir, "-Dsirsi.dns.port=" + dnsPort);
                HttpBackend first = HttpBackend.start("first", "127.0.0.1");
                HttpBackend second = HttpBackend.start("second", "127.0.0.2");
                HttpBackend third = HttpBackend.start("third", "127.0.0.3")) {
            registry.awaitLogLines("DNS: answering zone sirsi. on 0.0.0.0:" + dnsPort, 1);
            String firstId = allocate(registry, first);
            String secondId = allocate(registry, second);
            try (Haproxy haproxy = Haproxy.start(dir, dnsPort, SERVICE)) {
                Traffic traffic = new Traffic(haproxy);
                traffic.awaitUntil("both first instances get traffic",
                        sent -> sent.reached(first.name()) && sent.reached(second.name()));

                // a new instance receives traffic
                long registered = System.nanoTime();
                String thirdId = allocate(registry, third);
                traffic.awaitUntil("the new instance gets traffic",
                        sent -> sent.reachedSince(third.name(), registered));
                report("new instance: first request answered by it", registered, traffic.firstSince(third.name(),
                        registered));

                // a drained one stops receiving new requests while a slow request in flight to it completes
                CompletableFuture<Response> slow = CompletableFuture.supplyAsync(() -> traffic.send("/slow"));
                await().atMost(PATIENCE).until(() -> first.slowRequestsInFlight() + second.slowRequestsInFlight()
                        + third.slowRequestsInFlight() == 1);
                HttpBackend drained = first.slowRequestsInFlight() == 1 ? first
                        : second.slowRequestsInFlight() == 1 ? second : third;
                String drainedId = drained == first ? firstId : drained == second ? secondId : thirdId;
                long drainedAt = System.nanoTime();
                registry.request().contentType(ContentType.JSON).body(Map.of("allocation_id", drainedId, "for", "5m"))
                        .post("/ports/drain").then().statusCode(200);
                traffic.awaitUntil("the drained instance gets no new requests",
                        sent -> sent.goneSince(drained.name(), drainedAt));
                report("drained instance: last new request answered by it", drainedAt,
                        traffic.lastSince(drained.name(), drainedAt));
                assertEquals(1, drained.slowRequestsInFlight(), "the request in flight to the drained instance");
                drained.finishSlowRequests();
                Response slowAnswer = slow.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, slowAnswer.statusCode(), "the request in flight when its instance was drained");
                assertEquals(drained.name(), slowAnswer.asString());

                // a released one leaves: one of the two not drained, the other is then the one left
                HttpBackend released = drained == first ? second : first;
                HttpBackend left = drained == third ? second : third;
                long releasedAt = System.nanoTime();
                registry.request().contentType(ContentType.JSON)
                        .body(Map.of("allocation_id", released == first ? firstId : secondId))
                        .post("/ports/release").then().statusCode(200);
                traffic.awaitUntil("the released instance gets no new requests",
                        sent -> sent.goneSince(released.name(), releasedAt));
                report("released instance: last new request answered by it", releasedAt,
                        traffic.lastSince(released.name(), releasedAt));
                traffic.awaitUntil("the one instance left gets traffic", sent -> sent.reachedSince(left.name(),
                        releasedAt) && sent.goneSince(released.name(), releasedAt));
            }
        }
    }

    private static String allocate(RegistryProcess registry, HttpBackend backend) {
        return registry.request().contentType(ContentType.JSON)
                .body(Map.of("service_name", SERVICE, "service_type", "rest-api", "host", backend.host(),
                        "preferred_port", backend.port(), "required", true))
                .post("/ports/allocate").then().statusCode(200)
                .extract().path("allocation.allocation_id");
    }

    /** Prints how long after {@code since} the moment was, or that it did not come (yet: -1). */
    private static void report(String what, long since, long moment) {
        String elapsed = moment < 0 ? "none" : (moment - since) / 1_000_000 + " ms";
        System.out.println("HAPROXY: " + what + ": " + elapsed);
    }

    /** One request at a time through HAProxy, each on a new connection, and who answered each. */
    private static final class Traffic {

        /** A request and who answered it, or how it failed ({@code HTTP 503}: no server, while HAProxy starts). */
        private record Sent(long at, boolean answered, String answeredBy) {
        }

        private final Haproxy haproxy;
        private final List<Sent> sent = new ArrayList<>();

        Traffic(Haproxy haproxy) {
            this.haproxy = haproxy;
        }

        Response send(String path) {
            return given().baseUri("http://127.0.0.1").port(haproxy.port()).header("Connection", "close").get(path);
        }

        /** Sends requests until the condition holds of what was sent; fails after a while, with what was seen. */
        void awaitUntil(String what, Predicate<Traffic> condition) throws IOException {
            try {
                await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                        .failFast("haproxy exited", () -> !haproxy.isAlive())
                        .until(() -> {
                            sendOne();
                            return condition.test(this);
                        });
            } catch (TerminalFailureException | ConditionTimeoutException e) {
                fail("not seen: " + what + "; the last answers: " + lastAnswers() + "; haproxy's log:\n"
                        + haproxy.logText());
            }
        }

        private void sendOne() {
            long at = System.nanoTime();
            try {
                Response response = send("/");
                boolean answered = response.statusCode() == 200;
                sent.add(new Sent(at, answered, answered ? response.asString() : "HTTP " + response.statusCode()));
            } catch (Exception refused) { // REST Assured throws ConnectException unchecked
                sent.add(new Sent(at, false, "no connection")); // while HAProxy starts
            }
        }

        boolean reached(String backend) {
            return firstSince(backend, Long.MIN_VALUE) >= 0;
        }

        boolean reachedSince(String backend, long since) {
            return firstSince(backend, since) >= 0;
        }

        /** Enough requests in a row since {@code since}, the last ones, all answered by a backend other than it. */
        boolean goneSince(String backend, long since) {
            List<Sent> after = sent.stream().filter(request -> request.at() > since).toList();
            return after.size() >= MISSES_FOR_GONE && after.subList(after.size() - MISSES_FOR_GONE, after.size())
                    .stream().allMatch(request -> request.answered() && !request.answeredBy().equals(backend));
        }

        long firstSince(String backend, long since) {
            return sent.stream().filter(request -> request.at() > since && request.answeredBy().equals(backend))
                    .mapToLong(Sent::at).findFirst().orElse(-1);
        }

        long lastSince(String backend, long since) {
            return sent.stream().filter(request -> request.at() > since && request.answeredBy().equals(backend))
                    .mapToLong(Sent::at).reduce((earlier, later) -> later).orElse(since);
        }

        private List<String> lastAnswers() {
            return sent.subList(Math.max(0, sent.size() - 12), sent.size()).stream().map(Sent::answeredBy).toList();
        }
    }
}
