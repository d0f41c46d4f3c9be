// The detail panel: a service's allocation, its instances on other hosts and its recent history; or a port's.

import { get } from './api.js';
import { el, refreshTimes, statusBadge, timeAgo } from './dom.js';

const HISTORY_LIMIT = 20;

export class Detail {
    /**
     * `onSelect(allocation)` opens another instance, `onToggle(open)` says the panel opened or closed, `onError`
     * takes a failed request.
     */
    constructor(panel, { state, onSelect, onToggle, onError }) {
        this.panel = panel;
        this.title = panel.querySelector('#detail-title');
        this.body = panel.querySelector('#detail-body');
        this.state = state;
        this.onSelect = onSelect;
        this.onToggle = onToggle;
        this.onError = onError;
        this.shown = null; // {service, host} or {port, host}
        this.opener = null;
        this.loads = 0;
        panel.querySelector('#detail-close').addEventListener('click', () => this.close());
        this.body.addEventListener('click', event => {
            const button = event.target.closest('button[data-id]');
            const allocation = button && this.state.allocations.get(button.dataset.id);
            if (allocation) {
                this.onSelect(allocation);
            }
        });
    }

    get open() {
        return !this.panel.hidden;
    }

    /** Shows a service's instance on a host. */
    service(name, host, opener) {
        this.show({ service: name, host }, opener);
    }

    /** Shows a port of a host: its holder's detail when it is held. */
    port(port, host, opener) {
        const holder = this.state.held(host).get(port);
        this.show(holder ? { service: holder.service_name, host } : { port, host }, opener);
    }

    show(what, opener) {
        if (!this.open) {
            this.opener = opener ?? document.activeElement;
            // the map rebuilds its grids when the panel narrows it: find the opener again by what it showed
            const { port, id } = this.opener?.dataset ?? {};
            this.openerSelector = port ? `#ranges [data-port="${port}"]`
                : id ? `button[data-id="${CSS.escape(id)}"]` : null;
        }
        this.shown = what;
        this.panel.hidden = false;
        this.onToggle(true);
        this.render(this.fromState());
        this.title.focus();
        this.load();
    }

    close() {
        if (!this.open) {
            return;
        }
        this.panel.hidden = true;
        this.shown = null;
        this.onToggle(false);
        const opener = this.opener?.isConnected ? this.opener
            : this.openerSelector && document.querySelector(this.openerSelector);
        if (opener) {
            opener.focus();
        }
    }

    /** A live event: the panel reloads when it concerns what it shows. */
    changed(event) {
        const allocation = event.allocation;
        const what = this.shown;
        if (what && (what.service === allocation.service_name
            || (what.port === allocation.port && what.host === allocation.host))) {
            if (what.port !== undefined && !['released', 'removed', 'unreserved'].includes(event.type)) {
                this.shown = { service: allocation.service_name, host: allocation.host }; // the free port is taken
            }
            this.render(this.fromState());
            this.load();
        }
    }

    tick() {
        if (this.open) {
            refreshTimes(this.body);
        }
    }

    /** What the page already knows, shown at once while the registry is asked for the rest. */
    fromState() {
        const what = this.shown;
        if (what.service !== undefined) {
            const instances = this.state.instances(what.service);
            return { ...what, allocation: instances.find(i => i.host === what.host) ?? null, instances,
                history: null };
        }
        return { ...what, freed: this.state.lastFreed(what.host, what.port), history: null };
    }

    async load() {
        const what = this.shown;
        const load = ++this.loads;
        try {
            let data;
            if (what.service !== undefined) {
                // asked afresh for the heartbeat times, which change without an event; not when it is gone (404)
                const name = encodeURIComponent(what.service);
                const known = this.state.instances(what.service).length > 0;
                const [instances, history] = await Promise.all([
                    known ? get(`ports/instances/${name}`, {}, { missing: true }) : null,
                    get('ports/history', { service: what.service, limit: HISTORY_LIMIT })]);
                const all = instances?.body ?? [];
                data = { ...what, allocation: all.find(i => i.host === what.host) ?? null, instances: all,
                    history: history.body };
            } else {
                const history = await get('ports/history', { port: what.port, host: what.host, limit: HISTORY_LIMIT });
                data = { ...what, freed: this.state.lastFreed(what.host, what.port), history: history.body };
            }
            if (load === this.loads && this.shown === what) {
                this.render(data);
            }
        } catch (error) {
            this.onError(error);
        }
    }

    render(data) {
        if (data.service !== undefined) {
            this.title.textContent = data.service;
            this.body.replaceChildren(...this.serviceView(data));
        } else {
            this.title.textContent = `Port ${data.port}`;
            this.body.replaceChildren(...this.portView(data));
        }
    }

    serviceView({ service, host, allocation, instances, history }) {
        const others = instances.filter(instance => instance.host !== host);
        return [
            allocation ? el('section', { 'aria-labelledby': 'detail-allocation' },
                el('h3', { id: 'detail-allocation' }, 'Allocation'),
                el('dl', { class: 'facts' },
                    fact('Status', statusBadge(allocation.status)),
                    fact('Port', String(allocation.port)),
                    fact('Type', allocation.service_type),
                    fact('Host', allocation.host),
                    fact('Last heartbeat', timeAgo(allocation.last_heartbeat)),
                    fact('Allocated', timeAgo(allocation.allocated_at)),
                    fact('Process id', allocation.process_id === null ? '—' : String(allocation.process_id)),
                    fact('Allocation id', el('code', {}, allocation.allocation_id))))
                : el('p', { class: 'notice' }, `${service} holds no port on ${host} now.`),
            el('section', { 'aria-labelledby': 'detail-instances' },
                el('h3', { id: 'detail-instances' }, 'Instances on other hosts'),
                others.length === 0 ? el('p', { class: 'muted' }, 'None.')
                    : el('ul', { class: 'instances' }, others.map(instance => el('li', {},
                        el('button', { type: 'button', class: 'link', 'data-id': instance.allocation_id },
                            `${instance.host}:${instance.port}`), ' ', statusBadge(instance.status))))),
            historyView(history, `Recent history of ${service}`, ['Port', 'Host']),
        ];
    }

    portView({ port, host, freed, history }) {
        const range = (this.state.ranges.get(host) ?? []).find(r => port >= r.first_port && port <= r.last_port);
        const cell = document.querySelector(`#ranges [data-port="${port}"]`);
        const cooling = cell?.dataset.state === 'cooling';
        return [
            el('dl', { class: 'facts' },
                fact('State', statusBadge(cooling ? 'Cooling' : 'Free')),
                fact('Host', host),
                fact('Range', range ? `${range.type} ${range.first_port}–${range.last_port}` : 'none'),
                freed ? fact('Last freed', el('span', {}, `by ${freed.service} `, timeAgo(freed.at))) : null),
            cooling ? el('p', { class: 'muted' }, 'Freed within the reuse delay: kept from other services for now; '
                + `${freed?.service ?? 'the service that held it'} gets it back at once if it asks again.`) : null,
            historyView(history, `Recent history of port ${port}`, ['Service']),
        ];
    }
}

function fact(term, description) {
    return [el('dt', {}, term), el('dd', {}, description)];
}

const HISTORY_COLUMNS = {
    Service: event => el('td', {}, event.allocation.service_name),
    Port: event => el('td', { class: 'number' }, String(event.allocation.port)),
    Host: event => el('td', {}, event.allocation.host),
};

/** The change log's recent events, newest first: when, what, and the `columns` that vary. */
function historyView(history, title, columns) {
    return el('section', { 'aria-labelledby': 'detail-history' },
        el('h3', { id: 'detail-history' }, 'Recent history'),
        history === null ? el('p', { class: 'muted' }, 'Loading…')
            : history.length === 0 ? el('p', { class: 'muted' }, 'Nothing in the change log.')
                : el('table', { class: 'history', 'aria-label': title },
                    el('thead', {}, el('tr', {}, ['When', 'Event', ...columns]
                        .map(name => el('th', { scope: 'col' }, name)))),
                    el('tbody', {}, history.map(event => el('tr', { 'data-event': event.type },
                        el('td', {}, timeAgo(event.at)),
                        el('td', {}, el('span', { class: 'event', 'data-type': event.type }, event.type)),
                        columns.map(column => HISTORY_COLUMNS[column](event)))))));
}
