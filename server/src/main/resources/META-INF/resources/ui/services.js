// The services table: every allocation of one host or of all, sortable, filtered as you type.

import { el, statusBadge, timeAgo } from './dom.js';

const COLUMNS = [
    { key: 'service_name', label: 'Service' },
    { key: 'service_type', label: 'Type' },
    { key: 'port', label: 'Port', numeric: true },
    { key: 'host', label: 'Host' },
    { key: 'status', label: 'Status' },
    { key: 'last_heartbeat', label: 'Last heartbeat', time: true },
    { key: 'allocated_at', label: 'Allocated', time: true },
];

export class ServicesTable {
    constructor({ table, search, count, allHosts }, { onOpen }) {
        this.table = table;
        this.search = search;
        this.count = count;
        this.allHosts = allHosts;
        this.onOpen = onOpen;
        this.sort = { key: 'service_name', ascending: true };
        this.buildHead();
        search.addEventListener('input', () => this.refresh());
        allHosts.addEventListener('change', () => this.refresh());
        table.tBodies[0].addEventListener('click', event => {
            const button = event.target.closest('button[data-id]');
            if (button) {
                this.onOpen(this.state.allocations.get(button.dataset.id));
            }
        });
    }

    buildHead() {
        const row = el('tr', {}, COLUMNS.map(column => el('th', { scope: 'col', 'data-key': column.key },
            el('button', { type: 'button', class: 'sort' }, column.label,
                el('span', { class: 'sort-mark', 'aria-hidden': 'true' })))));
        row.addEventListener('click', event => {
            const th = event.target.closest('th');
            if (th) {
                const key = th.dataset.key;
                this.sort = { key, ascending: this.sort.key === key ? !this.sort.ascending : true };
                this.refresh();
            }
        });
        this.table.tHead.replaceChildren(row);
    }

    render(state, host) {
        this.state = state;
        this.host = host;
        this.refresh();
    }

    refresh() {
        if (!this.state) {
            return;
        }
        const everyHost = this.allHosts.checked;
        const all = this.state.list(everyHost ? null : this.host);
        const terms = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
        const shown = all.filter(allocation => terms.every(term =>
            [allocation.service_name, allocation.service_type, String(allocation.port), allocation.host]
                .some(text => text.toLowerCase().includes(term))));
        const column = COLUMNS.find(c => c.key === this.sort.key);
        const value = allocation => column.time ? Date.parse(allocation[column.key]) || 0 : allocation[column.key];
        shown.sort((a, b) => {
            const x = value(a);
            const y = value(b);
            const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
            return (this.sort.ascending ? order : -order) || a.service_name.localeCompare(b.service_name)
                || a.host.localeCompare(b.host);
        });
        for (const th of this.table.tHead.rows[0].cells) {
            const sorted = th.dataset.key === this.sort.key;
            th.setAttribute('aria-sort', sorted ? (this.sort.ascending ? 'ascending' : 'descending') : 'none');
            th.querySelector('.sort-mark').textContent = sorted ? (this.sort.ascending ? ' ▲' : ' ▼') : '';
        }
        const focused = document.activeElement?.dataset?.id;
        this.table.tBodies[0].replaceChildren(...shown.map(allocation => this.row(allocation)));
        if (focused) {
            this.table.querySelector(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
        }
        const where = everyHost ? 'on every host' : `on ${this.host}`;
        this.count.textContent = terms.length === 0 ? `${all.length} ${plural(all.length)} ${where}`
            : `${shown.length} of ${all.length} ${plural(all.length)} ${where} match “${this.search.value.trim()}”`;
    }

    row(allocation) {
        return el('tr', { 'data-service': allocation.service_name, 'data-host': allocation.host },
            el('td', {}, el('button', { type: 'button', class: 'link', 'data-id': allocation.allocation_id },
                allocation.service_name)),
            el('td', {}, allocation.service_type),
            el('td', { class: 'number' }, String(allocation.port)),
            el('td', {}, allocation.host),
            el('td', {}, statusBadge(allocation.status)),
            el('td', {}, timeAgo(allocation.last_heartbeat)),
            el('td', { class: 'allocated' }, timeAgo(allocation.allocated_at)));
    }
}

function plural(count) {
    return count === 1 ? 'allocation' : 'allocations';
}
