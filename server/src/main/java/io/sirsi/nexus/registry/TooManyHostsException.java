package io.sirsi.nexus.registry;

/** An allocation on a new host, refused because {@code sirsi.ports.max-hosts} hosts are known already. */
public class TooManyHostsException extends RegistryException {

    public TooManyHostsException(String message) {
        super(Reason.CONFLICT, message);
    }
}
