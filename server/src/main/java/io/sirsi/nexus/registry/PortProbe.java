package io.sirsi.nexus.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Tells whether some process on this machine already holds a TCP port, by trying to bind it. */
final class PortProbe {

    private PortProbe() {
    }

    /**
     * True when the port cannot be bound on every interface: another process listens on it, or this process
     * may not bind it. Either way a service told to use it would fail, so the registry does not hand it out.
     */
    static boolean boundElsewhere(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a socket lingering in TIME_WAIT does not make a port unusable
            socket.bind(new InetSocketAddress(port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
