package io.sirsi.nexus.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** A health endpoint on this machine's loopback, {@code /health}, answering with the status the test sets. */
public final class HealthEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);

    public HealthEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers with this status from now on. */
    public void answer(int code) {
        status.set(code);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
