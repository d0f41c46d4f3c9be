package io.sirsi.nexus.dns;

import java.net.InetAddress;

/**
 * Who may ask the DNS server. Security decides it (protected mode: without API keys, only this machine), so that
 * DNS opens no more to the network than HTTP does; this package only asks.
 */
public interface DnsClients {

    /** Whether a query from this address is answered; one that is not gets REFUSED. */
    boolean admits(InetAddress client);
}
