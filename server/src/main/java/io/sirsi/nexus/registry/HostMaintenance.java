package io.sirsi.nexus.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which hosts are in maintenance: no new allocation is made on one until its maintenance ends. On a store of this
 * process alone the maintenances are held in memory (loaded at start, changed with each decision), so an allocation
 * costs no read for them; replicas sharing a store read the host's row in the decision's transaction instead, since
 * another replica may have put the host in maintenance.
 */
final class HostMaintenance {

    private final AllocationStore store;
    private final boolean shared;
    /** On a store of this process alone: each host's stored maintenance, ended or not. */
    private final Map<String, Maintenance> stored = new ConcurrentHashMap<>();

    HostMaintenance(AllocationStore store, boolean shared) {
        this.store = store;
        this.shared = shared;
    }

    /** Reads the stored maintenances, once the store is open. */
    void load() {
        if (!shared) {
            store.maintenances().forEach(maintenance -> stored.put(maintenance.host(), maintenance));
        }
    }

    /** The host's maintenance if it is in effect at the change's moment. */
    Optional<Maintenance> inEffect(ChangeSet changes, String host) {
        Optional<Maintenance> maintenance = shared ? changes.transaction().maintenance(host)
                : Optional.ofNullable(stored.get(host));
        return maintenance.filter(found -> found.inEffectAt(changes.now()));
    }

    /**
     * Every maintenance in effect at {@code now}, by host: what {@code GET /ports/hosts} shows. Replicas read them from
     * the store, where another replica may have started one.
     */
    Map<String, Maintenance> inEffectAt(Instant now) {
        Map<String, Maintenance> inEffect = new TreeMap<>();
        (shared ? store.maintenances() : stored.values()).stream().filter(found -> found.inEffectAt(now))
                .forEach(found -> inEffect.put(found.host(), found));
        return inEffect;
    }

    /** Refuses a new allocation on a host in maintenance, saying why and until when. */
    void refuseNew(ChangeSet changes, String host) {
        inEffect(changes, host).ifPresent(maintenance -> {
            throw new ServiceConflictException("host " + host + " is in maintenance until " + maintenance.until()
                    + maintenance.reason().map(reason -> " (" + reason + ")").orElse("") + ": no new allocation"
                    + " there until then; POST /ports/undrain with the host ends it");
        });
    }

    /** Puts the host in maintenance, replacing the one it was in; the ended ones of every host are forgotten. */
    void start(ChangeSet changes, Maintenance maintenance) {
        changes.write(new StoreWrite.Maintain(maintenance, changes.now()));
        if (!shared) {
            // not undone with the change: an ended maintenance has no effect, kept or not
            stored.values().removeIf(ended -> !ended.inEffectAt(changes.now()));
        }
        remember(changes, maintenance.host(), maintenance);
    }

    /** Ends the host's maintenance. */
    void end(ChangeSet changes, String host) {
        changes.write(new StoreWrite.EndMaintenance(host));
        remember(changes, host, null);
    }

    private void remember(ChangeSet changes, String host, Maintenance maintenance) {
        if (shared) {
            return;
        }
        Maintenance previous = maintenance == null ? stored.remove(host) : stored.put(host, maintenance);
        changes.onUndo(() -> {
            if (previous == null) {
                stored.remove(host);
            } else {
                stored.put(host, previous);
            }
        });
    }
}
