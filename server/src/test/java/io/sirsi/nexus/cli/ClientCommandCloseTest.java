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
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client command ends with its client closed: the JDK HTTP client's selector thread, left running, held every
 * command's JVM exit for 0.3 s (docs/decisions.md, "A client command closes its client"); so does the agent's check
 * runner. Runs the commands in this JVM against a stand-in registry that answers {@code /ports/stats} and a host's
 * report.
 */
class ClientCommandCloseTest {

    private static final String STATS = "{\"total_allocations\":3,\"active_allocations\":2,\"reserved_allocations\":1,"
            + "\"expired_allocations\":0,\"service_types\":{},\"draining_allocations\":0}";

    /** A receipt that asks the agent to check a port every minute: its check threads start at once. */
    private static final String RECEIPT = "{\"host\":\"h1\",\"listeners\":0,\"unregistered_listeners\":0,"
            + "\"not_listening\":0,\"checks\":[{\"allocation_id\":\"00000000-0000-0000-0000-000000000001\","
            + "\"port\":9,\"type\":\"tcp\",\"path\":null,\"interval_ms\":60000,\"timeout_ms\":1000}]}";

    private HttpServer registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/ports/stats", STATS);
        answer("/ports/hosts/h1/report", RECEIPT);
        registry.start();
    }

    /** Answers every request to {@code path} with {@code json}, the request's body read and dropped. */
    private void answer(String path, String json) {
        registry.createContext(path, exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
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
        awaitNoneNewer(before, ClientCommandCloseTest::selectorThreads);
    }

    /** The agent's check threads, started by the checks a registry asks for, end with the command too. */
    @Test
    void anAgentEndsItsCheckThreads() {
        Set<Thread> before = checkThreads();

        int exit = SirsiNexusCli.run("agent", "--url", "http://127.0.0.1:" + registry.getAddress().getPort(),
                "--host", "h1", "--reports", "1");

        assertEquals(0, exit);
        awaitNoneNewer(before, ClientCommandCloseTest::checkThreads);
    }

    /** Waits until no thread that {@code alive} names is left but those of {@code before}. */
    private static void awaitNoneNewer(Set<Thread> before, Supplier<Set<Thread>> alive) {
        await().until(() -> {
            Set<Thread> left = alive.get();
            left.removeAll(before);
            return left.isEmpty();
        });
    }

    /** The agent's check threads alive now. */
    private static Set<Thread> checkThreads() {
        return threads(name -> name.startsWith("sirsi-nexus-check"));
    }

    /** The JDK HTTP clients' selector threads alive now. */
    private static Set<Thread> selectorThreads() {
        return threads(name -> name.endsWith("-SelectorManager"));
    }

    /** The threads alive now whose names {@code named} takes. */
    private static Set<Thread> threads(Predicate<String> named) {
        Set<Thread> threads = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (named.test(thread.getName()) && thread.isAlive()) {
                threads.add(thread);
            }
        }
        return threads;
    }
}
