package io.sirsi.nexus.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a request's thread waits for when it hands a change to the writer, and which group a change joins. */
class GroupCommitTest {

    /**
     * While a group waits for its hosts' locks (another replica's group holds them), the changes queued meanwhile
     * on those hosts join it, and a change on another host waits for the next group, which holds that host's lock
     * (issue 23: without joining, a replica's clients split into two halves that took turns).
     */
    @Test
    void changesQueuedWhileAGroupWaitsForItsLocksJoinItOnTheHostsItHolds() throws Exception {
        List<Set<String>> transactions = new CopyOnWriteArrayList<>();
        CountDownLatch waitingForLocks = new CountDownLatch(1);
        CountDownLatch locksFree = new CountDownLatch(1);
        AllocationStore store = proxy(AllocationStore.class, (method, args) -> {
            assertEquals("inHostTransaction", method);
            transactions.add(Set.copyOf((Collection<String>) args[0]));
            if (transactions.size() == 1) { // the first group waits for a lock another replica holds
                waitingForLocks.countDown();
                locksFree.await();
            }
            return ((Function<HostTransaction, Object>) args[2]).apply(proxy(HostTransaction.class, (m, a) -> {
                throw new AssertionError("nothing is written: " + m);
            }));
        });
        GroupCommit.Log log = new GroupCommit.Log() {
            @Override
            public void catchUp(HostTransaction transaction) {
            }

            @Override
            public long appliedRevision() {
                return 0;
            }

            @Override
            public void committed(long first, List<ChangeEvent> events) {
            }
        };
        RegistryIndex index = new RegistryIndex(host -> {
            throw new AssertionError("no host is read");
        });
        GroupCommit groupCommit = new GroupCommit(store, new ReentrantLock(), index,
                new LeaseDeadlines(Duration.ofSeconds(30), index), log, (hosts, first, events) -> { },
                proxy(RegistryObserver.class, (method, args) -> null), Clock.systemUTC());
        groupCommit.start();
        try {
            Function<ChangeSet, Integer> inWhichGroup = changes -> transactions.size();
            CompletableFuture<Integer> first = groupCommit.submit(Set.of("h1"), inWhichGroup);
            assertEquals(true, waitingForLocks.await(30, TimeUnit.SECONDS), "the first group began");
            CompletableFuture<Integer> sameHost = groupCommit.submit(Set.of("h1"), inWhichGroup);
            CompletableFuture<Integer> otherHost = groupCommit.submit(Set.of("h2"), inWhichGroup);
            CompletableFuture<Integer> bothHosts = groupCommit.submit(Set.of("h1", "h2"), inWhichGroup);
            CompletableFuture<Integer> sameHostLater = groupCommit.submit(Set.of("h1"), inWhichGroup);
            locksFree.countDown();
            assertEquals(List.of(1, 1, 2, 2, 1), CompletableFuture.allOf(first, sameHost, otherHost, bothHosts,
                    sameHostLater).thenApply(all -> List.of(first.join(), sameHost.join(), otherHost.join(),
                            bothHosts.join(), sameHostLater.join())).get(30, TimeUnit.SECONDS));
            assertEquals(List.of(Set.of("h1"), Set.of("h1", "h2")), transactions);
        } finally {
            groupCommit.close();
        }
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> method.isDefault() ? null : answer.answer(method.getName(), args));
    }

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
