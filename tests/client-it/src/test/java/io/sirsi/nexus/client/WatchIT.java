package io.sirsi.nexus.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sirsi.nexus.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Watches against a real registry: events in order, and a resume after a restart that loses and repeats nothing. */
class WatchIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    /** What a watch told its listener: each event, each connection (after which revision), each break. */
    private static final class Recorder implements WatchListener {
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        final List<Long> connections = new CopyOnWriteArrayList<>();
        final List<Throwable> breaks = new CopyOnWriteArrayList<>();

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
    }

    @Test
    void aWatchResumesAfterARegistryRestartLosingAndRepeatingNothing() throws Exception {
        Path data = Files.createTempDirectory("watch-restart");
        int port = RegistryProcess.freePort();
        RegistryProcess first = RegistryProcess.start(data, port);
        SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(first.url()).build();
        client.allocate(AllocationRequest.of("unwatched", "cache")); // filtered out
        Recorder recorded = new Recorder();
        List<ChangeEvent> events = recorded.events;
        List<Long> connections = recorded.connections;
        List<Throwable> breaks = recorded.breaks;
        try (Watch watch = client.watch(WatchOptions.fromNow().withService("watched"), recorded)) {
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

    /**
     * A filtered watch's position moves past the events its filter passes over, with the registry's keep-alives: a
     * resume asks for nothing the log may have pruned since. (It resumed from its last event, however old: a watch of
     * a quiet service ended in a 410 once a week of retention, or a million other events, had passed.)
     */
    @Test
    void aFilteredWatchReadsPastTheEventsItsFilterPassesOver() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("watch-progress"),
                RegistryProcess.freePort());
                SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url()).build()) {
            Recorder recorded = new Recorder();
            try (Watch watch = client.watch(WatchOptions.fromNow().withService("quiet"), recorded)) {
                await().atMost(PATIENCE).until(() -> !recorded.connections.isEmpty());
                long started = recorded.connections.get(0);
                Allocation busy = client.allocate(AllocationRequest.of("busy", "cache"));
                client.release(busy.allocationId());

                // the next keep-alive (every 15 s) says the watch has read both
                await().atMost(PATIENCE).until(() -> watch.lastRevision().getAsLong() >= started + 2);
                assertTrue(recorded.events.isEmpty(), "the filter passed both over: " + recorded.events);
            }
        }
    }

    /**
     * What a CLI needs to say what a watch does: each event's JSON as the registry sent it, and each try to reconnect
     * with its pause, which grows while the registry stays away.
     */
    @Test
    void aWatchHandsOnEachEventAsSentAndTellsEachRetryWithItsPause() throws Exception {
        RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("watch-hooks"),
                RegistryProcess.freePort());
        try {
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url()).build();
            Allocation allocated = client.allocate(AllocationRequest.of("told", "grpc"));
            List<String> texts = new CopyOnWriteArrayList<>();
            List<ChangeEvent> events = new CopyOnWriteArrayList<>();
            List<Duration> pauses = new CopyOnWriteArrayList<>();
            List<Throwable> causes = new CopyOnWriteArrayList<>();
            try (Watch watch = client.watch(WatchOptions.fromNow().since(0), new WatchListener() {
                @Override
                public void onEvent(ChangeEvent event) {
                    throw new AssertionError("the event came without its JSON");
                }

                @Override
                public void onEvent(ChangeEvent event, String json) {
                    events.add(event);
                    texts.add(json);
                }

                @Override
                public void onRetrying(Throwable cause, Duration pause) {
                    causes.add(cause);
                    pauses.add(pause);
                }
            })) {
                await().atMost(PATIENCE).until(() -> texts.size() == 1);
                JsonNode sent = new ObjectMapper().readTree(texts.get(0));
                assertEquals(events.get(0).revision(), sent.path("revision").asLong());
                assertEquals(allocated.allocationId().toString(),
                        sent.path("allocation").path("allocation_id").asText());
                assertFalse(texts.get(0).contains("\n") || texts.get(0).startsWith("data:"), texts.get(0));
                assertTrue(pauses.isEmpty(), "no retry while the stream is open: " + causes);

                registry.close();
                await().atMost(PATIENCE).until(() -> pauses.size() >= 4);
                for (int i = 1; i < pauses.size(); i++) {
                    assertTrue(pauses.get(i).compareTo(pauses.get(i - 1)) >= 0, "growing: " + pauses);
                }
                assertTrue(pauses.get(3).compareTo(pauses.get(0)) > 0, "growing: " + pauses);
                assertTrue(causes.stream().allMatch(cause -> cause != null), causes.toString());
            }
        } finally {
            registry.close();
        }
    }

    /** A listener that throws on one event does not blind the watch: the failure is logged, later events come. */
    @Test
    void aListenerThatThrowsIsLoggedAndTheWatchGoesOn() throws Exception {
        Logger watchLog = Logger.getLogger(Watch.class.getName());
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        watchLog.addHandler(capture);
        try (RegistryProcess registry = RegistryProcess.start(Files.createTempDirectory("watch-bug"),
                RegistryProcess.freePort())) {
            SirsiNexusClient client = SirsiNexusClient.builder().baseUrls(registry.url()).build();
            List<ChangeEvent> events = new CopyOnWriteArrayList<>();
            try (Watch watch = client.watch(WatchOptions.fromNow().withService("buggy").since(0), event -> {
                events.add(event);
                if (events.size() == 1) {
                    throw new IllegalStateException("a bug in the listener");
                }
            })) {
                client.allocate(AllocationRequest.of("buggy", "grpc").withHost("h1"));
                await().atMost(PATIENCE).until(() -> events.size() == 1);
                client.allocate(AllocationRequest.of("buggy", "grpc").withHost("h2"));
                await().atMost(PATIENCE).until(() -> events.size() == 2);
                assertEquals("h2", events.get(1).allocation().host());
                LogRecord failure = logged.stream().filter(r -> r.getThrown() != null).findFirst().orElseThrow();
                assertTrue(failure.getMessage().contains("revision " + events.get(0).revision()),
                        failure.getMessage());
                assertEquals("a bug in the listener", failure.getThrown().getMessage());
            }
        } finally {
            watchLog.removeHandler(capture);
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
