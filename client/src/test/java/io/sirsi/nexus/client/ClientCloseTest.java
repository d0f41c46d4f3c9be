package io.sirsi.nexus.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing a client ends the JDK HTTP client's selector thread, on Java 17 (interrupted) as on 21 and later (closed):
 * a JVM's exit waits up to 0.3 s for that thread while it lives, which every CLI command paid.
 */
class ClientCloseTest {

    private static final String STATS = "{\"total_allocations\":3,\"active_allocations\":2,\"reserved_allocations\":1,"
            + "\"expired_allocations\":0,\"service_types\":{},\"draining_allocations\":0}";

    private HttpServer registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/ports/stats", exchange -> {
            byte[] body = STATS.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    @Test
    void closingEndsTheSelectorThreadAndLaterRequestsAreRefused() {
        Set<Thread> before = selectorThreads();
        SirsiNexusClient client = SirsiNexusClient.builder()
                .baseUrls("http://127.0.0.1:" + registry.getAddress().getPort()).build();
        assertEquals(3, client.stats(null).totalAllocations());
        Set<Thread> started = selectorThreads();
        started.removeAll(before);
        assertEquals(1, started.size(), "the client's selector thread: " + started);

        client.close();

        await().until(() -> started.stream().noneMatch(Thread::isAlive));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> client.stats(null));
        assertEquals("this SirsiNexusClient is closed", refused.getMessage());
    }

    /** The JDK HTTP clients' selector threads alive now. */
    private static Set<Thread> selectorThreads() {
        Set<Thread> selectors = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("-SelectorManager")) {
                selectors.add(thread);
            }
        }
        return selectors;
    }
}
