package io.sirsi.nexus.client;

import java.util.Optional;

/**
 * An allocation that required its preferred port was refused (HTTP 409): another service holds it, it is reserved, or
 * another process is bound to it. {@link #holder()} is the allocation that held it when the client looked, right
 * after the refusal; empty when no allocation did (a process outside the registry, or it was released since).
 */
public class PortUnavailableException extends ConflictException {

    private final int port;
    private final transient Allocation holder;

    /** The registry's refusal of {@code port}, and who held it. */
    public PortUnavailableException(int status, String problemType, String title, String detail, int port,
            Allocation holder) {
        super(status, problemType, title, detail);
        this.port = port;
        this.holder = holder;
    }

    /** The port that was required. */
    public int port() {
        return port;
    }

    /** The allocation holding the port, as the registry answered a look-up just after the refusal. */
    public Optional<Allocation> holder() {
        return Optional.ofNullable(holder);
    }
}
