package io.sirsi.nexus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's lookup waits for one read of the log's head that began after it arrived; lookups that arrive during a
 * read share the next one, and after a read that served several, the next is spaced (issue 23) so that it serves
 * more. A lone client's lookups, one at a time, are never held back.
 */
class LogFollowerTest {

    /** Reads of the head, counted; the first waits until {@link #firstReadGoes} opens, once it has begun. */
    private final AtomicInteger reads = new AtomicInteger();
    private final CountDownLatch firstReadBegan = new CountDownLatch(1);
    private final CountDownLatch firstReadGoes = new CountDownLatch(1);
    private volatile boolean holdFirstRead;
    /** The pauses the follower took before a read, in nanoseconds; it does not really wait. */
    private final List<Long> pauses = new CopyOnWriteArrayList<>();
    private final LogFollower follower = new LogFollower(store(), new RegistryIndex(host -> {
        throw new AssertionError("no host is read");
    }), () -> {
        throw new AssertionError("the head never moves: nothing to catch up");
    }, 60_000, () -> 0L, pauses::add); // the clock stands still: every read is within the spacing of the last

    private AllocationStore store() {
        return (AllocationStore) Proxy.newProxyInstance(AllocationStore.class.getClassLoader(),
                new Class<?>[] {AllocationStore.class}, (self, method, args) -> {
                    if (!method.getName().equals("headRevision")) {
                        throw new AssertionError("only the head is read: " + method.getName());
                    }
                    if (reads.incrementAndGet() == 1 && holdFirstRead) {
                        firstReadBegan.countDown();
                        assertTrue(firstReadGoes.await(30, TimeUnit.SECONDS));
                    }
                    return 0L;
                });
    }

    @AfterEach
    void close() {
        follower.close();
    }

    @Test
    void aLoneClientsLookupsEachHaveTheirOwnReadAndNeverWait() {
        follower.start();
        for (int i = 0; i < 20; i++) {
            follower.fresh().toCompletableFuture().join();
        }
        assertEquals(20, reads.get(), "each lookup waited for a read that began after it");
        assertEquals(List.of(), pauses);
    }

    @Test
    void lookupsArrivingDuringAReadShareTheNextAndTheReadAfterIsSpaced() throws InterruptedException {
        holdFirstRead = true;
        follower.start();
        CompletableFuture<Void> first = follower.fresh().toCompletableFuture();
        assertTrue(firstReadBegan.await(30, TimeUnit.SECONDS));
        List<CompletableFuture<Void>> during = IntStream.range(0, 5)
                .mapToObj(i -> follower.fresh().toCompletableFuture()).toList();
        firstReadGoes.countDown();
        first.join();
        during.forEach(CompletableFuture::join);
        assertEquals(2, reads.get(), "the five that arrived during the first read shared the second");
        assertEquals(List.of(), pauses, "the first read served one: the second was not spaced");
        follower.fresh().toCompletableFuture().join();
        assertEquals(3, reads.get());
        assertEquals(1, pauses.size(), "after a read that served five, the next one is spaced");
        assertTrue(pauses.get(0) > 0 && pauses.get(0) <= LogFollower.READ_SPACING_NANOS, "spaced by " + pauses);
    }
}
