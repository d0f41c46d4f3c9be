// The dashboard: loads what the registry holds, follows its change log, and shows it as a port map, a services
// table and a detail panel. Plain ES modules, no build step: see docs/decisions.md.

import { ApiError, apiKey, get, knownHosts } from './api.js';
import { Detail } from './detail.js';
import { debounce, el, refreshTimes } from './dom.js';
import { follow } from './events.js';
import { PortMap } from './portmap.js';
import { ServicesTable } from './services.js';
import { RegistryState } from './state.js';

/** A heartbeat moves last_heartbeat without an event, so the allocations are read again now and then. */
const REFRESH_MS = 30_000;
const RETRY_MS = 5_000;
const HISTORY_FOR_COOLING = 1000;
const HOST_STORAGE = 'sirsi-nexus.host';
const LIVE_TEXT = {
    connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', key: 'Waiting for a key',
    off: 'Not connected',
};

const $ = id => document.getElementById(id);
const state = new RegistryState();
let host = sessionStorage.getItem(HOST_STORAGE);
let stream = null;
let timer = null;

const detail = new Detail($('detail'), {
    state,
    onSelect: allocation => detail.service(allocation.service_name, allocation.host),
    onToggle: open => document.body.classList.toggle('with-detail', open),
    onError: error => needsKey(error) || problem(error.message),
});
const map = new PortMap($('ranges'), { onOpen: ({ port, host: on }) => detail.port(port, on) });
const table = new ServicesTable(
    { table: $('services'), search: $('search'), count: $('services-count'), allHosts: $('all-hosts') },
    { onOpen: allocation => detail.service(allocation.service_name, allocation.host) });

/** Loads everything, then follows the change log from the revision the answers are at. */
async function start() {
    stream?.stop();
    clearTimeout(timer);
    live('connecting');
    try {
        const after = await load();
        $('key-view').hidden = true;
        problem(null);
        showView();
        render();
        watch(after);
        timer = setTimeout(refresh, REFRESH_MS);
    } catch (error) {
        if (!needsKey(error)) {
            live('off');
            problem(`${describe(error)} Trying again…`);
            timer = setTimeout(start, error.retryAfter ? error.retryAfter * 1000 : RETRY_MS);
        }
    }
}

/** Reads every allocation, and each host's ranges and recent history; answers the revision to follow from. */
async function load() {
    const hosts = await knownHosts();
    state.ownHost = hosts.own;
    state.hosts = hosts.names;
    host = hosts.names.includes(host) ? host : hosts.own;
    const [allocations, ...perHost] = await Promise.all([get('ports/allocations'),
        ...hosts.names.map(name => Promise.all([get('ports/ranges', { host: name }),
            get('ports/history', { host: name, limit: HISTORY_FOR_COOLING }),
            get(`ports/hosts/${encodeURIComponent(name)}`)]))]);
    hosts.names.forEach((name, i) => {
        const [ranges, history, seen] = perHost[i];
        state.setRanges(name, ranges.body);
        state.remember(history.body);
        state.setUnregistered(name, seen.body.unregistered_listeners);
    });
    state.replaceAll(allocations.body, allocations.index);
    return allocations.index;
}

function watch(after) {
    stream = follow({
        after,
        onEvent: event => {
            state.apply(event);
            if (!state.hosts.includes(event.allocation.host)) {
                state.hosts = [...state.hosts, event.allocation.host].sort();
            }
            rangesOf(event.allocation.host);
            detail.changed(event);
            renderSoon();
        },
        onStatus: status => {
            live(status);
            if (status === 'live') {
                problem(null); // what failed while the connection was down works again
            }
        },
        onEnd: error => {
            if (error.status === 410 || error.status === 409) {
                // compacted past our revision, or a log that was reset behind it: read everything again, follow on
                start();
            } else {
                needsKey(error);
            }
        },
    });
}

/** Every allocation and every host's ranges read again, for the heartbeat times. */
async function refresh() {
    try {
        const names = [...state.hosts];
        // a host's unregistered listeners change with its agent's reports, which are not events: read them here
        const [allocations, ...perHost] = await Promise.all([get('ports/allocations'),
            ...names.map(name => Promise.all([get('ports/ranges', { host: name }),
                get(`ports/hosts/${encodeURIComponent(name)}`)]))]);
        perHost.forEach(([ranges, seen], i) => {
            state.setRanges(names[i], ranges.body);
            state.setUnregistered(names[i], seen.body.unregistered_listeners);
        });
        state.replaceAll(allocations.body, allocations.index);
        problem(null);
        renderSoon();
        timer = setTimeout(refresh, REFRESH_MS);
    } catch (error) {
        if (!needsKey(error)) {
            problem(describe(error));
            timer = setTimeout(refresh, RETRY_MS);
        }
    }
}

/** After a burst of events on a host, its counts (in use, cooling) read again. */
const changedHosts = new Set();
const readRanges = debounce(async () => {
    const hosts = [...changedHosts];
    changedHosts.clear();
    try {
        for (const name of hosts) {
            state.setRanges(name, (await get('ports/ranges', { host: name })).body);
        }
        renderSoon();
    } catch (error) {
        needsKey(error) || problem(describe(error));
    }
}, 200);

function rangesOf(name) {
    changedHosts.add(name);
    readRanges();
}

/** A 401 asks for a key (a refused one is forgotten, and said so); a 403 says why. True when it was either. */
function needsKey(error) {
    if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) {
        return false;
    }
    stream?.stop();
    clearTimeout(timer);
    if (error.status === 403) {
        live('off');
        problem(error.message);
        return true;
    }
    const refused = apiKey.get() !== null;
    apiKey.clear();
    live('key');
    problem(null);
    $('map-view').hidden = true;
    $('services-view').hidden = true;
    detail.close();
    $('key-view').hidden = false;
    $('key-error').textContent = refused ? `The registry refused that key: ${error.message}` : '';
    $('forget-key').hidden = true;
    $('key').focus();
    return true;
}

function describe(error) {
    return error instanceof ApiError ? error.message : `Cannot reach the registry (${error.message}).`;
}

function problem(text) {
    $('problem').hidden = !text;
    $('problem').textContent = text ?? '';
}

function live(status) {
    $('live').dataset.state = status;
    $('live-text').textContent = LIVE_TEXT[status];
}

let frame = 0;
function renderSoon() {
    if (!frame) {
        frame = requestAnimationFrame(() => {
            frame = 0;
            render();
        });
    }
}

function render() {
    const select = $('host');
    if ([...select.options].map(option => option.value).join() !== state.hosts.join()) {
        select.replaceChildren(...state.hosts.map(name => el('option', { value: name },
            name === state.ownHost ? `${name} (this registry's)` : name)));
    }
    select.value = host;
    const mine = state.list(host);
    const count = status => mine.filter(allocation => allocation.status === status).length;
    $('summary').textContent = `${mine.length} held on ${host}: ${count('Active')} Active · ${count('Expired')}`
        + ` Expired · ${count('Reserved')} Reserved` + (count('Draining') ? ` · ${count('Draining')} Draining` : '');
    $('map-host').textContent = `of ${host}`;
    $('forget-key').hidden = apiKey.get() === null;
    map.render(state, host);
    table.render(state, host);
}

/** `#map` (the default) or `#services`. */
function showView() {
    if (!$('key-view').hidden) {
        return;
    }
    const view = location.hash === '#services' ? 'services' : 'map';
    $('map-view').hidden = view !== 'map';
    $('services-view').hidden = view !== 'services';
    for (const tab of document.querySelectorAll('nav a')) {
        if (tab.hash === `#${view}`) {
            tab.setAttribute('aria-current', 'page');
        } else {
            tab.removeAttribute('aria-current');
        }
    }
    if (view === 'map' && state.hosts.length > 0) {
        map.render(state, host); // the grid's columns follow the width it now has
    }
}

window.addEventListener('hashchange', showView);
$('host').addEventListener('change', () => {
    host = $('host').value;
    sessionStorage.setItem(HOST_STORAGE, host);
    render();
});
$('key-form').addEventListener('submit', event => {
    event.preventDefault();
    const key = $('key').value.trim();
    if (key) {
        apiKey.set(key);
        $('key').value = '';
        start();
    }
});
$('forget-key').addEventListener('click', () => {
    apiKey.clear();
    start();
});
document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && detail.open) {
        detail.close();
    } else if (event.key === '/' && !event.target.closest('input, select, textarea')
        && $('key-view').hidden) {
        event.preventDefault();
        location.hash = '#services';
        showView(); // now, not on the hashchange to come: a hidden input cannot take the focus
        $('search').focus();
    }
});
setInterval(() => {
    refreshTimes($('services'));
    detail.tick();
}, 5000);

start();
