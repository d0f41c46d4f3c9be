package io.sirsi.nexus.api.security;

import io.sirsi.nexus.registry.Hosts;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Where a request comes from: the TCP peer, never a forwarded header, which any client could forge. (Behind a
 * reverse proxy on the same machine every client looks local: configure keys there.)
 */
public final class Clients {

    /** How the JDK and Vert.x write the usual loopback peers. */
    private static final String IPV4_LOOPBACK = "127.0.0.1";
    private static final String IPV6_LOOPBACK = "0:0:0:0:0:0:0:1";

    private Clients() {
    }

    /** The peer's IP address, e.g. {@code 127.0.0.1} or {@code 10.0.0.7}. */
    public static String address(HttpServerRequest request) {
        SocketAddress peer = request.connection() != null ? request.connection().remoteAddress()
                : request.remoteAddress();
        return peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
    }

    /**
     * Whether the peer is this machine's loopback (127.0.0.0/8, ::1, or ::ffff:127.x.y.z). Asked twice of every
     * request (protected mode, then authentication), so the two forms nearly every local client has are matched
     * as they are before the general parse, which allocates.
     */
    public static boolean isLoopback(HttpServerRequest request) {
        String address = address(request);
        return address.equals(IPV4_LOOPBACK) || address.equals(IPV6_LOOPBACK) || Hosts.isLoopbackAddress(address);
    }
}
