package io.sirsi.nexus.client;

import java.net.http.HttpClient;

/**
 * The JDK's {@link HttpClient} with a {@link #close()} on every Java version the library runs on. Its selector thread
 * waits in native code for as long as the client lives, and a JVM's exit waits up to 0.3 s for threads in native
 * code, so a short-lived program (a CLI command) ends a third of a second late unless the client is closed first.
 *
 * <p>From Java 21 on the JDK's client is {@link AutoCloseable}. On Java 17 it cannot be closed, and its selector thread
 * ends only some seconds after the client is garbage-collected; there, the thread that building the client started is
 * noted (the one new thread named as the JDK names its selector threads), and closing interrupts it: the JDK's selector
 * loop takes an interrupt as the end of the client, and shuts it down. When the thread cannot be told apart (another
 * client was built at the same moment, or a JDK names it otherwise), closing on Java 17 does nothing, as before.
 */
final class ClosableHttpClient {

    private static final boolean JDK_CLOSES = AutoCloseable.class.isAssignableFrom(HttpClient.class);
    private static final String SELECTOR_PREFIX = "HttpClient-";
    private static final String SELECTOR_SUFFIX = "-SelectorManager";
    /** How long closing waits for the interrupted selector thread; it ends at once unless the machine is starved. */
    private static final long SELECTOR_END_WAIT_MS = 1_000;

    private final HttpClient http;
    private final Thread selector;

    private ClosableHttpClient(HttpClient http, Thread selector) {
        this.http = http;
        this.selector = selector;
    }

    static ClosableHttpClient build(HttpClient.Builder builder) {
        if (JDK_CLOSES) {
            return new ClosableHttpClient(builder.build(), null);
        }
        Thread[] before = threads();
        HttpClient http = builder.build();
        Thread started = null;
        for (Thread thread : threads()) {
            if (thread != null && isSelector(thread) && !contains(before, thread)) {
                if (started != null) {
                    return new ClosableHttpClient(http, null); // two at once: neither is known to be this client's
                }
                started = thread;
            }
        }
        return new ClosableHttpClient(http, started);
    }

    HttpClient http() {
        return http;
    }

    /** Ends the client: its connections and its selector thread. Requests in flight fail. */
    void close() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) { // HttpClient.close() declares none
                throw new IllegalStateException("cannot close the HTTP client: " + Transport.describe(e), e);
            }
        } else if (selector != null) {
            selector.interrupt();
            try {
                selector.join(SELECTOR_END_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The threads of the current thread's group, where a client built on it starts its selector thread. */
    private static Thread[] threads() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] threads = new Thread[group.activeCount() + 8];
        group.enumerate(threads);
        return threads;
    }

    private static boolean isSelector(Thread thread) {
        String name = thread.getName();
        return name.startsWith(SELECTOR_PREFIX) && name.endsWith(SELECTOR_SUFFIX);
    }

    private static boolean contains(Thread[] threads, Thread wanted) {
        for (Thread thread : threads) {
            if (thread == wanted) {
                return true;
            }
        }
        return false;
    }
}
