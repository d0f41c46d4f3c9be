package io.sirsi.nexus.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** What a request's thread waits for when it hands a change to the writer. */
class GroupCommitTest {

    /**
     * The writer holds the registry's lock while it decides, which on PostgreSQL includes round trips; a request's
     * thread (an event loop) must queue its change without waiting for that (issue 23).
     */
    @Test
    void aChangeIsQueuedWhileTheWriterHoldsTheRegistrysLock() throws InterruptedException {
        ReentrantLock registryLock = new ReentrantLock();
        RegistryIndex index = new RegistryIndex(host -> {
            throw new AssertionError("queueing reads no host");
        });
        GroupCommit groupCommit = new GroupCommit(null, registryLock, index,
                new LeaseDeadlines(Duration.ofSeconds(30), index), null, null, null, Clock.systemUTC());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            registryLock.lock();
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                registryLock.unlock();
            }
        });
        writer.start();
        held.await();
        try {
            CompletableFuture<CompletableFuture<Integer>> queueing = CompletableFuture.supplyAsync(
                    () -> groupCommit.submit(Set.of("a-host"), changes -> 1));
            await().atMost(Duration.ofSeconds(30)).until(queueing::isDone);
            assertFalse(queueing.join().isDone(), "queued, not decided: the writer is not running");
        } finally {
            done.countDown();
            writer.join();
        }
    }
}
