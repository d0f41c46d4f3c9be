package io.sirsi.nexus.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The addresses each host's agent reports that other machines can reach it at, which the DNS interface answers the
 * host's name with. Kept apart from the rest of a report, which lives in memory only ({@link HostAgents}): a host's
 * addresses are stored, when they change and only then, so that every replica answers alike and a restarted registry
 * answers at once. Replicas sharing a store read them again every few seconds ({@link #reload}).
 */
public final class ReportedAddresses {

    /** The most addresses kept for one host: more would not fit a DNS answer over UDP anyway. */
    public static final int MAX_PER_HOST = 16;
    private static final Logger LOG = Logger.getLogger(ReportedAddresses.class);

    private final AllocationStore store;
    private final Map<String, List<String>> byHost = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    ReportedAddresses(AllocationStore store) {
        this.store = store;
    }

    /** Reads the stored addresses, once the store is open. */
    void load() {
        Map<String, List<String>> stored = store.reportedAddresses();
        if (!stored.equals(byHost)) {
            byHost.keySet().retainAll(stored.keySet());
            byHost.putAll(stored);
            version.incrementAndGet();
        }
    }

    /** Reads them again: on a store shared by replicas, another replica may have taken a host's report. */
    void reload() {
        if (store.shared()) {
            load();
        }
    }

    /**
     * Takes the addresses a host's agent reported: the ones another machine can reach (no loopback, link-local,
     * wildcard or multicast address), in the agent's order (it lists its primary address first), the first
     * {@link #MAX_PER_HOST} of them; those beyond are dropped with a warning. Stored only when they differ from the
     * host's last ones, so that a report every few seconds costs no write.
     */
    void reported(String host, List<String> addresses, Instant at) {
        List<String> all = reachable(addresses);
        List<String> reachable = List.copyOf(all.subList(0, Math.min(MAX_PER_HOST, all.size())));
        if (reachable.equals(byHost.get(host))) { // a host heard of for the first time is stored, even with none
            return;
        }
        if (all.size() > MAX_PER_HOST) {
            LOG.warnf("Host %s's agent reports %d addresses other machines can reach; its name is answered with the"
                    + " first %d as the agent listed them, not with %s (give the agent --address to choose)", host,
                    all.size(), MAX_PER_HOST, String.join(", ", all.subList(MAX_PER_HOST, all.size())));
        }
        try {
            store.saveReportedAddresses(host, reachable, at);
        } catch (RegistryException unstored) {
            LOG.warnf("Host %s's addresses not stored, its agent's next report tries again: %s", host,
                    unstored.getMessage());
            return;
        }
        List<String> before = byHost.put(host, reachable);
        version.incrementAndGet();
        LOG.infof("Host %s's agent reports its addresses: %s (was %s)", host,
                reachable.isEmpty() ? "none other machines can reach" : String.join(", ", reachable),
                before == null ? "unknown" : before.isEmpty() ? "none" : String.join(", ", before));
    }

    /** The host's reported addresses, canonical text; empty when its agent reported none. */
    public List<String> of(String host) {
        return byHost.getOrDefault(host, List.of());
    }

    /** The hosts whose agents reported addresses. */
    public Set<String> hosts() {
        return byHost.keySet();
    }

    /** Changes whenever any host's addresses do: what was read from them before is stale. */
    public long version() {
        return version.get();
    }

    /** The addresses another machine can reach, each once, in the order given. */
    private static List<String> reachable(List<String> addresses) {
        List<String> reachable = new ArrayList<>();
        for (String address : addresses) {
            Optional<String> canonical = Hosts.address(address).filter(ReportedAddresses::isReachable);
            if (canonical.isPresent() && !reachable.contains(canonical.get())) {
                reachable.add(canonical.get());
            }
        }
        return reachable;
    }

    /** An IP address, in its one form, that other machines may reach: none of the kinds that are local. */
    private static boolean isReachable(String form) {
        try {
            InetAddress address = InetAddress.getByName(form); // a literal: parsed, never looked up
            return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                    && !address.isMulticastAddress();
        } catch (UnknownHostException impossible) {
            return false;
        }
    }
}
