package io.sirsi.nexus.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** Watches against a real registry: events in order, and a resume after a restart that loses and repeats nothing. */
class WatchIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void aWatchResumesAfterARegistryRestartLosingAndRepeatingNothing() throws Exception {
        Path data = Files.createTempDirectory("watch-restart");
        int port = RegistryProcess.freePort();
        RegistryProcess first = RegistryProcess.start(data, port);
        SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(first.url()).build();
        client.allocate(AllocationRequest.of("unwatched", "cache")); // filtered out
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        List<Long> connections = new CopyOnWriteArrayList<>();
        List<Throwable> breaks = new CopyOnWriteArrayList<>();
        try (Watch watch = client.watch(WatchOptions.fromNow().withService("watched"), new WatchListener() {
            @Override
            public void onEvent(ChangeEvent event) {
                events.add(event);
            }

            @Override
            public void onConnected(long afterRevision) {
                connections.add(afterRevision);
            }

            @Override
            public void onDisconnected(Throwable cause) {
                breaks.add(cause);
            }
        })) {
            await().atMost(PATIENCE).until(() -> !connections.isEmpty());
            Allocation a = client.allocate(AllocationRequest.of("watched", "grpc").withHost("h1"));
            client.allocate(AllocationRequest.of("watched", "grpc").withHost("h2"));
            await().atMost(PATIENCE).until(() -> events.size() == 2);

            first.close();
            await().atMost(PATIENCE).until(() -> !breaks.isEmpty());
            try (RegistryProcess second = RegistryProcess.start(data, port)) {
                // at once, before the watch's next try: these come to it by Last-Event-ID
                client.release(a.allocationId());
                client.allocate(AllocationRequest.of("watched", "grpc").withHost("h3"));
                await().atMost(PATIENCE).until(() -> events.size() >= 4);
                assertEquals(List.of("allocated", "allocated", "released", "allocated"),
                        events.stream().map(ChangeEvent::type).toList());
                assertEquals(List.of("h1", "h2", "h1", "h3"),
                        events.stream().map(e -> e.allocation().host()).toList());
                for (int i = 1; i < events.size(); i++) {
                    assertTrue(events.get(i).revision() > events.get(i - 1).revision(), events.toString());
                }
                assertTrue(connections.size() >= 2, "reconnected: " + connections);
                assertEquals(events.get(events.size() - 1).revision(), watch.lastRevision().getAsLong());
            }
        }
    }

    @Test
    void theChangeStreamIsAFlowPublisher() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("watch-flow"),
                RegistryProcess.freePort())) {
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url()).build();
            Allocation before = client.allocate(AllocationRequest.of("flowing", "frontend"));
            List<ChangeEvent> received = new CopyOnWriteArrayList<>();
            List<Flow.Subscription> subscriptions = new CopyOnWriteArrayList<>();
            client.events(WatchOptions.fromNow().withType("frontend").since(0)).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriptions.add(subscription);
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChangeEvent item) {
                    received.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    received.clear();
                }

                @Override
                public void onComplete() {
                }
            });
            await().atMost(PATIENCE).until(() -> received.size() == 1);
            assertEquals(before.allocationId(), received.get(0).allocation().allocationId(), "since 0: from the start");
            client.release(before.allocationId());
            await().atMost(PATIENCE).until(() -> received.size() == 2);
            assertEquals("released", received.get(1).type());
            subscriptions.get(0).cancel();
        }
    }
}
