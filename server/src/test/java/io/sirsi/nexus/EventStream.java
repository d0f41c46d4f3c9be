package io.sirsi.nexus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of {@code GET /ports/events}, as a browser's EventSource reads it: the stream's lines parsed into
 * events (id, event, data), each handed over as it arrives.
 */
public final class EventStream implements AutoCloseable {

    /** One event of the stream: its id and type fields, and its data as JSON. */
    public record Event(long id, String type, JsonNode data) {
        public String service() {
            return data.path("allocation").path("service_name").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;
    private volatile java.net.http.HttpHeaders headers;
    /** The last {@code id} the stream sent, with an event or without one; -1 before any. */
    private volatile long lastId = -1;

    private EventStream(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Opens the stream and waits for its headers; fails unless they say 200 and text/event-stream. */
    public static EventStream open(String baseUrl, String pathAndQuery, Map<String, String> headers)
            throws Exception {
        EventStream stream = new EventStream(URI.create(baseUrl + pathAndQuery), headers);
        HttpResponse<Stream<String>> answered = stream.response.get(30, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode(), "GET " + pathAndQuery);
        assertEquals("text/event-stream", answered.headers().firstValue("Content-Type").orElse("")
                .replaceAll(";.*", ""));
        stream.lines = answered.body();
        stream.headers = answered.headers();
        Thread reader = new Thread(stream::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    private void read() {
        Long id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (id != null) {
                        lastId = id; // an event's, or a keep-alive's with no data: how far the stream has read
                    }
                    if (data.length() > 0) {
                        events.add(new Event(id == null ? -1 : id, type, JSON.readTree(data.toString())));
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).strip());
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the stream was closed; what arrived is in the queue
        }
    }

    /** The next {@code count} events, waiting up to 30 s for them. */
    public List<Event> next(int count) throws InterruptedException {
        List<Event> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.size() < count) {
            Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("expected " + count + " events, got " + received);
            }
            received.add(event);
        }
        return received;
    }

    /** The last {@code id} the stream sent, with an event or in a keep-alive without one; -1 before any. */
    public long lastId() {
        return lastId;
    }

    /** A header of the stream's answer, or "" when it has none. */
    public String header(String name) {
        return headers.firstValue(name).orElse("");
    }

    /** Events that arrived and were not taken yet, without waiting. */
    public List<Event> pending() {
        List<Event> drained = new ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    @Override
    public void close() {
        Stream<String> open = lines;
        if (open != null) {
            open.close();
        }
        response.cancel(true);
    }
}
