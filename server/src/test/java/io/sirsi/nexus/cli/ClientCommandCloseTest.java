package io.sirsi.nexus.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A client command ends with its client closed: the JDK HTTP client's selector thread, left running, held every
 * command's JVM exit for 0.3 s (docs/decisions.md, "A client command closes its client"). Runs the command in this JVM
 * against a stand-in registry that answers {@code /ports/stats}.
 */
class ClientCommandCloseTest {

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
    void aCommandEndsTheSelectorThreadOfItsClient() {
        Set<Thread> before = selectorThreads();

        int exit = SirsiNexusCli.run("ports", "stats", "--url", "http://127.0.0.1:" + registry.getAddress().getPort());

        assertEquals(0, exit);
        await().until(() -> {
            Set<Thread> left = selectorThreads();
            left.removeAll(before);
            return left.isEmpty();
        });
    }

    /** The JDK HTTP clients' selector threads alive now. */
    private static Set<Thread> selectorThreads() {
        Set<Thread> selectors = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("-SelectorManager") && thread.isAlive()) {
                selectors.add(thread);
            }
        }
        return selectors;
    }
}
