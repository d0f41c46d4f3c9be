package io.sirsi.nexus.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Closing a client ends the JDK HTTP client's selector thread, on Java 17 (interrupted) as on 21 and later (closed):
 * a JVM's exit waits up to 0.3 s for that thread while it lives, which every CLI command paid. The client starts the
 * thread when it is built, so no registry is needed to see it.
 */
class ClientCloseTest {

    @Test
    void closingEndsTheSelectorThreadAndLaterRequestsAreRefused() {
        Set<Thread> before = selectorThreads();
        SirsiNexusClient client = SirsiNexusClient.builder().baseUrls("http://127.0.0.1:9").build();
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
