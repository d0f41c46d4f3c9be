package io.sirsi.nexus.storkapp;

import com.sun.net.httpserver.HttpServer;
import io.sirsi.nexus.client.AllocationRequest;
import io.sirsi.nexus.client.Lease;
import io.sirsi.nexus.client.SirsiNexusClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real orders backend: an HTTP server on a free port that answers {@code /whoami} with its name and counts the
 * calls, registered in the registry by a {@link Lease} for that port, as a service would register itself.
 */
final class Backend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private Lease lease;

    private Backend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /** Starts the server, then registers it; the returned backend's {@link #lease()} is the registry's answer. */
    static Backend start(SirsiNexusClient registry, String name, String host) throws IOException {
        return start(registry, name, host, null);
    }

    /** The same, with a check for the host's agent to run (null: none). */
    static Backend start(SirsiNexusClient registry, String name, String host, AllocationRequest.Check check)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
        Backend backend = new Backend(name, server);
        server.createContext("/whoami", exchange -> {
            backend.calls.incrementAndGet();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        AllocationRequest request = AllocationRequest.of("orders", RegistryResource.BACKEND_TYPE).withHost(host)
                .withPreferredPort(server.getAddress().getPort()).withRequired(true);
        backend.lease = registry.lease(check == null ? request : request.withCheck(check));
        return backend;
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    int calls() {
        return calls.get();
    }

    Lease lease() {
        return lease;
    }

    /** Releases the port in the registry (the backend keeps answering, so a call it gets would count). */
    void release() {
        lease.close();
    }

    @Override
    public void close() {
        lease.close();
        server.stop(0);
    }
}
