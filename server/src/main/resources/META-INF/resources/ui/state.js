// What the page knows of the registry: allocations on every host, each host's ranges, and recently freed ports;
// kept current by applying change-log events to it.

/** Events that free a port; the others (allocated, renewed, revived, expired, reserved) carry its holder. */
const FREEING = new Set(['released', 'removed', 'unreserved']);
/** Events kept to replay over a reload that may be older than they are. */
const REPLAYED = 1000;

const at = (host, port) => `${host} ${port}`;

export class RegistryState {
    constructor() {
        /** allocation_id → allocation, on every host */
        this.allocations = new Map();
        /** host → [{type, first_port, last_port, size, in_use, reserved, available, cooling}] by first port */
        this.ranges = new Map();
        /** "host port" → {at, service}: when a port was last freed, and by whom */
        this.freed = new Map();
        this.hosts = [];
        this.ownHost = null;
        /** host → port → {pid, process}: the listeners its agent sees and no allocation holds (`/ports/hosts/…`) */
        this.unregistered = new Map();
        this.recent = [];
    }

    /** The host's unregistered listeners, as `GET /ports/hosts/{host}` lists them. */
    setUnregistered(host, listeners) {
        this.unregistered.set(host, new Map((listeners ?? []).map(listener => [listener.port, listener])));
    }

    /** Every allocation on every host (`/ports/allocations`), as of revision `index` or later. */
    replaceAll(allocations, index) {
        this.allocations = new Map(allocations.map(allocation => [allocation.allocation_id, allocation]));
        for (const host of new Set(allocations.map(allocation => allocation.host))) {
            if (!this.hosts.includes(host)) {
                this.hosts = [...this.hosts, host].sort();
            }
        }
        // the answer may be older than events already applied: applying those again is harmless (each sets an
        // allocation to what it was after the event), and brings back what the answer had not seen yet
        for (const event of this.recent) {
            if (event.revision > index) {
                this.applyOne(event);
            }
        }
    }

    /** A host's `/ports/ranges` answer (an object keyed by service type). */
    setRanges(host, ranges) {
        this.ranges.set(host, Object.entries(ranges).map(([type, range]) => ({ type, ...range }))
            .sort((a, b) => a.first_port - b.first_port || a.type.localeCompare(b.type)));
    }

    /** Past events (`/ports/history`, any order): they say when ports were freed. */
    remember(history) {
        for (const event of [...history].sort((a, b) => a.revision - b.revision)) {
            if (FREEING.has(event.type)) {
                this.freeAt(event);
            } else {
                this.freed.delete(at(event.allocation.host, event.allocation.port));
            }
        }
    }

    /** Applies one live event. */
    apply(event) {
        this.recent.push(event);
        if (this.recent.length > REPLAYED) {
            this.recent.splice(0, this.recent.length - REPLAYED);
        }
        this.applyOne(event);
    }

    applyOne(event) {
        const allocation = event.allocation;
        if (FREEING.has(event.type)) {
            this.allocations.delete(allocation.allocation_id);
            this.freeAt(event);
        } else {
            this.allocations.set(allocation.allocation_id, allocation);
            this.freed.delete(at(allocation.host, allocation.port));
        }
    }

    freeAt(event) {
        const { host, port, service_name: service } = event.allocation;
        this.freed.set(at(host, port), { at: event.at, service });
    }

    /** The allocations of one host, or of every host when `host` is null. */
    list(host) {
        return [...this.allocations.values()].filter(allocation => host === null || allocation.host === host);
    }

    /** port → allocation on a host. */
    held(host) {
        return new Map(this.list(host).map(allocation => [allocation.port, allocation]));
    }

    /**
     * The cooling ports of a range, port → {at, service}. The registry counts them (`cooling` of `/ports/ranges`)
     * but does not name them, nor say its reuse delay: they are the ports freed most recently among the range's
     * free ones, as many as it counts.
     */
    cooling(host, range, held) {
        const candidates = [];
        for (let port = range.first_port; port <= range.last_port; port++) {
            const freed = this.freed.get(at(host, port));
            if (freed && !held.has(port)) {
                candidates.push([port, freed]);
            }
        }
        candidates.sort((a, b) => Date.parse(b[1].at) - Date.parse(a[1].at));
        return new Map(candidates.slice(0, range.cooling ?? 0));
    }

    /** When and by whom a port on a host was last freed, if the page knows. */
    lastFreed(host, port) {
        return this.freed.get(at(host, port)) ?? null;
    }

    /** The allocations of a service on every host. */
    instances(name) {
        return [...this.allocations.values()].filter(allocation => allocation.service_name === name);
    }
}
