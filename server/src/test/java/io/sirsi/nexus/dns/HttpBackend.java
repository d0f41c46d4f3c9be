package io.sirsi.nexus.dns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on a free port of a loopback address of its own (127.0.0.0/8 is all this machine's), so that
 * each is a host of its own to the registry, where one service name is one instance per host: every answer's body is its name, so a test behind a load balancer
 * sees who answered. {@code /slow} is held open until {@link #finishSlowRequests()}: a request in flight.
 */
final class HttpBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch slowRequestsMayFinish = new CountDownLatch(1);
    private final AtomicInteger slowRequestsInFlight = new AtomicInteger();

    private HttpBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    static HttpBackend start(String name, String loopbackAddress) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(loopbackAddress), 0), 0);
        HttpBackend backend = new HttpBackend(name, server);
        server.createContext("/", backend::answer);
        server.createContext("/slow", backend::answerSlowly);
        // a thread per request: a held /slow must not hold up the quick ones
        server.setExecutor(backend.threads);
        server.start();
        return backend;
    }

    String name() {
        return name;
    }

    /** Its address, as the registry's host of its instance. */
    String host() {
        return server.getAddress().getAddress().getHostAddress();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int slowRequestsInFlight() {
        return slowRequestsInFlight.get();
    }

    void finishSlowRequests() {
        slowRequestsMayFinish.countDown();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (exchange) {
            exchange.getResponseBody().write(body);
        }
    }

    private void answerSlowly(HttpExchange exchange) throws IOException {
        slowRequestsInFlight.incrementAndGet();
        try {
            // bounded, so a failed test leaves no thread behind for long
            slowRequestsMayFinish.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slowRequestsInFlight.decrementAndGet();
        }
        answer(exchange);
    }

    @Override
    public void close() {
        finishSlowRequests();
        server.stop(0);
        threads.shutdownNow();
    }
}
