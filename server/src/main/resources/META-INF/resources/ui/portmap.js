// The port map of one host: each range as a grid with a cell per port, its use as a bar and counts.

import { ago, el } from './dom.js';

/** Width of a cell plus the gap after it, and of the row labels, in CSS pixels (as dashboard.css draws them). */
const PITCH = 21;
const LABEL = 52;
const STATES = ['active', 'critical', 'draining', 'expired', 'reserved', 'unregistered', 'cooling', 'blocked'];
/** Cells per row: divisors of 100, so that rows start at round port numbers. */
const COLUMNS = [50, 25, 20, 10];

export class PortMap {
    constructor(root, { onOpen }) {
        this.root = root;
        this.onOpen = onOpen;
        this.cells = new Map(); // port → cell, for the ports of the ranges
        this.layout = null;
        this.columns = 10;
        root.addEventListener('click', event => {
            const cell = event.target.closest('[data-port]');
            if (cell) {
                this.onOpen({ host: this.host, port: Number(cell.dataset.port) });
            }
        });
        root.addEventListener('keydown', event => this.navigate(event));
        // the tooltip is made when it is about to show, so that its "last heartbeat" is current
        const describe = event => {
            const cell = event.target.closest?.('[data-port]');
            if (cell) {
                cell.title = this.describe(Number(cell.dataset.port));
            }
        };
        root.addEventListener('pointerover', describe);
        root.addEventListener('focusin', describe);
        new ResizeObserver(() => this.state && this.render(this.state, this.host)).observe(root);
    }

    /** Shows `host`'s ranges as `state` knows them; rebuilds the grids only when their shape changed. */
    render(state, host) {
        this.state = state;
        this.host = host;
        const ranges = state.ranges.get(host) ?? [];
        const held = state.held(host);
        const outside = [...held.keys()].filter(port => !ranges.some(range => inRange(range, port)))
            .sort((a, b) => a - b);
        const width = this.root.clientWidth;
        if (width > 0) { // 0 while the map's view is hidden: keep the columns it had
            this.columns = COLUMNS.find(columns => LABEL + columns * PITCH <= width) ?? COLUMNS.at(-1);
        }
        const layout = JSON.stringify([host, this.columns, ranges.map(r => [r.type, r.first_port, r.last_port]),
            outside]);
        if (layout !== this.layout) {
            this.build(ranges, outside);
            this.layout = layout;
        }
        this.update(ranges, held);
    }

    build(ranges, outside) {
        const focused = document.activeElement?.closest?.('[data-port]');
        const refocus = focused && this.root.contains(focused) ? focused.dataset.port : null;
        const open = new Map([...this.root.querySelectorAll('details[data-type]')]
            .map(details => [details.dataset.type, details.open]));
        this.cells.clear();
        const sections = ranges.map(range => {
            const cells = el('div', { class: 'cells', role: 'group',
                'aria-label': `${range.type} ports ${range.first_port} to ${range.last_port}` });
            cells.style.setProperty('--columns', this.columns);
            for (let row = range.first_port; row <= range.last_port; row += this.columns) {
                cells.append(el('span', { class: 'row-label', 'aria-hidden': 'true' }, String(row)));
                for (let port = row; port < row + this.columns && port <= range.last_port; port++) {
                    const cell = el('button', { type: 'button', class: 'cell', 'data-port': port, tabindex: -1 });
                    this.cells.set(port, cell);
                    cells.append(cell);
                }
            }
            cells.querySelector('.cell')?.setAttribute('tabindex', '0');
            const segments = STATES.map(state => el('span', { class: 'segment', 'data-state': state }));
            return el('details', { class: 'range', 'data-type': range.type, open: open.get(range.type) ?? true },
                el('summary', {},
                    el('h3', {}, el('span', { class: 'range-type' }, range.type), ' ',
                        el('span', { class: 'range-span' }, `${range.first_port}–${range.last_port}`)),
                    el('span', { class: 'bar', role: 'img' }, segments),
                    el('span', { class: 'percent' }),
                    el('span', { class: 'counts' })),
                cells);
        });
        const others = outside.length === 0 ? [] : [el('section', { class: 'range outside' },
            el('h3', {}, 'Outside every range'),
            el('div', { class: 'chips', role: 'group', 'aria-label': 'ports held outside every range' },
                outside.map(port => el('button', { type: 'button', class: 'chip', 'data-port': port })))) ];
        this.root.replaceChildren(...sections, ...others);
        if (ranges.length === 0) {
            this.root.append(el('p', { class: 'empty' }, 'No ranges known for this host yet.'));
        }
        if (refocus) {
            const cell = this.root.querySelector(`[data-port="${refocus}"]`);
            cell?.setAttribute('tabindex', '0');
            cell?.focus();
        }
    }

    update(ranges, held) {
        const coolingByRange = ranges.map(range => this.state.cooling(this.host, range, held));
        const cooling = new Map(coolingByRange.flatMap(ports => [...ports]));
        const unregistered = this.state.unregistered.get(this.host) ?? new Map();
        // an Active allocation whose check is critical (out of discovery) and a listener no allocation holds (never
        // granted here) are states of their own
        const heldState = allocation => allocation.status === 'Active' && allocation.check?.status === 'critical'
            ? 'critical' : allocation.status.toLowerCase();
        const stateOf = port => (held.has(port) ? heldState(held.get(port)) : null)
            ?? (unregistered.has(port) ? 'unregistered' : cooling.has(port) ? 'cooling' : 'free');
        for (const [port, cell] of this.cells) {
            const state = stateOf(port);
            const label = this.label(port, state, held.get(port), unregistered.get(port));
            if (cell.dataset.state !== state || cell.getAttribute('aria-label') !== label) {
                cell.dataset.state = state;
                cell.setAttribute('aria-label', label);
            }
        }
        for (const chip of this.root.querySelectorAll('.chip')) {
            const port = Number(chip.dataset.port);
            const allocation = held.get(port);
            chip.dataset.state = stateOf(port);
            chip.setAttribute('aria-label', this.label(port, chip.dataset.state, allocation));
            chip.replaceChildren(el('span', { class: 'chip-port' }, String(port)), ' ',
                allocation?.service_name ?? '');
        }
        ranges.forEach((range, i) => this.header(range, held, coolingByRange[i].size,
            [...unregistered.keys()].filter(port => inRange(range, port) && !held.has(port)).length));
    }

    /** The range's bar and counts: held ports by status, cooling, never allocated, free. */
    header(range, held, coolingCount, unregisteredCount) {
        const details = this.root.querySelector(`details[data-type="${CSS.escape(range.type)}"]`);
        if (!details) {
            return;
        }
        const count = { active: 0, draining: 0, expired: 0, reserved: 0 };
        for (const [port, allocation] of held) {
            if (inRange(range, port)) {
                count[allocation.status.toLowerCase()] = (count[allocation.status.toLowerCase()] ?? 0) + 1;
            }
        }
        const inUse = count.active + count.draining + count.expired + count.reserved;
        const blocked = range.reserved ?? 0;
        const free = Math.max(0, range.size - inUse - blocked - coolingCount - unregisteredCount);
        const shares = { ...count, cooling: coolingCount, blocked, unregistered: unregisteredCount };
        for (const segment of details.querySelectorAll('.segment')) {
            segment.style.width = `${(100 * (shares[segment.dataset.state] ?? 0)) / range.size}%`;
        }
        const percent = Math.round((100 * (inUse + blocked)) / range.size);
        details.querySelector('.bar').setAttribute('aria-label',
            `${inUse + blocked} of ${range.size} ports taken (${percent} %)`);
        details.querySelector('.percent').textContent = `${percent} %`;
        const parts = [
            [count.active, 'Active'], [count.draining, 'Draining'], [count.expired, 'Expired'],
            [count.reserved, 'Reserved'],
            [unregisteredCount, unregisteredCount === 1 ? 'unregistered listener' : 'unregistered listeners'],
            [coolingCount, 'cooling'], [blocked, 'never allocated (reserved-ports)'], [free, 'free'],
        ].filter(([n, what]) => n > 0 || what === 'free').map(([n, what]) => `${n} ${what}`);
        details.querySelector('.counts').textContent = `${parts.join(' · ')} of ${range.size}`;
    }

    label(port, state, allocation, listener) {
        if (allocation) {
            return `${port}, ${allocation.service_name}, ${allocation.status}`
                + (state === 'critical' ? ', check critical' : '');
        }
        if (listener) {
            return `${port}, unregistered listener${listener.process ? ` ${listener.process}` : ''}`
                + `${listener.pid ? ` (pid ${listener.pid})` : ''}`;
        }
        const freed = state === 'cooling' ? this.state.lastFreed(this.host, port) : null;
        return freed ? `${port}, cooling, freed by ${freed.service}` : `${port}, ${state}`;
    }

    describe(port) {
        const allocation = this.state.held(this.host).get(port);
        if (allocation) {
            return `${port} · ${allocation.service_name} (${allocation.service_type}) · ${allocation.status}`
                + ` · last heartbeat ${ago(allocation.last_heartbeat)}`;
        }
        const cell = this.root.querySelector(`[data-port="${port}"]`);
        const freed = this.state.lastFreed(this.host, port);
        if (cell?.dataset.state === 'cooling' && freed) {
            return `${port} · cooling: freed by ${freed.service} ${ago(freed.at)}, kept from other services for now`;
        }
        return `${port} · free`;
    }

    /** Arrow keys move within a range's grid (up and down by a row), Home and End to its ends. */
    navigate(event) {
        const cell = event.target.closest('.cell');
        if (!cell) {
            return;
        }
        const cells = [...cell.parentElement.querySelectorAll('.cell')];
        const index = cells.indexOf(cell);
        const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -this.columns, ArrowDown: this.columns }[event.key];
        let next = null;
        if (step !== undefined) {
            next = cells[index + step] ?? null;
        } else if (event.key === 'Home') {
            next = cells[0];
        } else if (event.key === 'End') {
            next = cells[cells.length - 1];
        }
        if (next) {
            event.preventDefault();
            cell.setAttribute('tabindex', '-1');
            next.setAttribute('tabindex', '0');
            next.focus();
        }
    }
}

function inRange(range, port) {
    return port >= range.first_port && port <= range.last_port;
}
