// The dashboard in a real browser: Debian's headless Chromium, driven by playwright-core, against packaged
// registries that DashboardIT starts. Prints one line per check and a closing "N passed, N failed"; exits 1 when a
// check failed. Screenshots of each view go to the screenshot directory.
//
//   node dashboard.mjs OPEN_URL KEYED_URL SCREENSHOT_DIR
//
// OPEN_URL: a registry without keys (protected mode: this machine may use it as admin), started with a heartbeat
// timeout of a few seconds, a reuse delay and the static reservation postgres=database:5432.
// KEYED_URL: a registry with keys; SIRSI_READER_KEY and SIRSI_WRITER_KEY (environment) are a reader's and a
// writer's.

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [openUrl, keyedUrl, shots] = process.argv.slice(2);
const READER_KEY = process.env.SIRSI_READER_KEY;
const WRITER_KEY = process.env.SIRSI_WRITER_KEY;
if (!openUrl || !keyedUrl || !shots || !READER_KEY || !WRITER_KEY) {
    console.error('usage: SIRSI_READER_KEY=… SIRSI_WRITER_KEY=… node dashboard.mjs OPEN_URL KEYED_URL SHOTS_DIR');
    process.exit(2);
}
mkdirSync(shots, { recursive: true });

/** The one timed promise: a new allocation shows within 2 s, without a reload. */
const LIVE_WITHIN_MS = 2000;
/** Patience for what has no promised time (an expiry, a reconnection): generous on a loaded machine. */
const PATIENCE_MS = 30_000;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;

/** Runs one check; a failure is reported, a screenshot taken, and the checks that depend on it are skipped. */
async function check(name, page, body) {
    try {
        await body();
        passed++;
        console.log(`ok ${passed + failed} - ${name}`);
    } catch (error) {
        failed++;
        console.log(`not ok ${passed + failed} - ${name}\n  ${String(error.stack ?? error).replaceAll('\n', '\n  ')}`);
        await page?.screenshot({ path: path.join(shots, `failed-${passed + failed}.png`), fullPage: true })
            .catch(() => {});
        throw new Skip();
    }
}

class Skip extends Error {}

function assert(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

/** The registry's API, called as a service would: straight to the registry, not through the browser. */
async function api(base, method, apiPath, body, key) {
    const headers = { ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...(key ? { Authorization: `Bearer ${key}` } : {}) };
    const response = await fetch(new URL(apiPath, base), { method, headers, body: body && JSON.stringify(body) });
    const answer = await response.json();
    if (!response.ok) {
        throw new Error(`${method} ${apiPath} answered ${response.status}: ${JSON.stringify(answer)}`);
    }
    return answer;
}

const allocate = (base, name, type, key, extra = {}) => api(base, 'POST', '/ports/allocate',
    { service_name: name, service_type: type, ...extra }, key).then(answer => answer.allocation);
const release = (base, allocation, key) => api(base, 'POST', '/ports/release',
    { allocation_id: allocation.allocation_id }, key);

/**
 * A TCP proxy in front of a registry, through which the browser sees it: `drop()` cuts every connection and
 * refuses new ones (a network failure), `restore()` lets them through again.
 */
async function proxy(target) {
    const { hostname, port } = new URL(target);
    const pairs = new Set();
    let refusing = false;
    const server = net.createServer(client => {
        if (refusing) {
            client.destroy();
            return;
        }
        const upstream = net.connect(Number(port), hostname);
        const pair = [client, upstream];
        pairs.add(pair);
        const end = () => {
            client.destroy();
            upstream.destroy();
            pairs.delete(pair);
        };
        for (const socket of pair) {
            socket.on('error', end);
            socket.on('close', end);
        }
        client.pipe(upstream).pipe(client);
    });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${server.address().port}`,
        drop() {
            refusing = true;
            for (const pair of pairs) {
                pair.forEach(socket => socket.destroy());
            }
        },
        restore() {
            refusing = false;
        },
        close() {
            this.drop();
            server.close();
        },
    };
}

/**
 * Watches a page: console errors, uncaught exceptions, and every request's origin and headers. Chromium logs a
 * failed load ("Failed to load resource: … 404") as a console error, with the resource as its location; `allowed`
 * says which of those a check expects (e.g. the 401 before a key is entered).
 */
function watch(page, origin) {
    const seen = { errors: [], requests: [], allowed: () => false };
    page.on('console', message => {
        if (message.type() === 'error' && !seen.allowed(message.text(), message.location().url ?? '')) {
            seen.errors.push(`${message.text()} (${message.location().url ?? ''})`);
        }
    });
    page.on('pageerror', error => seen.errors.push(`uncaught: ${error.message}`));
    page.on('request', request => seen.requests.push({ url: request.url(), headers: request.headers() }));
    seen.assertClean = () => {
        assert(seen.errors.length === 0, `console errors:\n${seen.errors.join('\n')}`);
        const elsewhere = seen.requests.filter(request => new URL(request.url).origin !== origin);
        assert(elsewhere.length === 0, `requests to other origins: ${elsewhere.map(r => r.url).join(', ')}`);
    };
    return seen;
}

/** Fails with axe-core's findings (WCAG 2 A and AA: contrast, names, roles, keyboard) on the page as it is. */
async function accessible(page, what) {
    await page.evaluate(AXE);
    const results = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    const found = results.violations.map(violation => `${violation.id} (${violation.impact}): ${violation.help}; `
        + violation.nodes.slice(0, 3).map(node => node.target.join(' ')).join(', '));
    assert(found.length === 0, `accessibility of ${what}:\n${found.join('\n')}`);
}

const cell = (page, port) => page.locator(`#ranges [data-port="${port}"]`);
const row = (page, name) => page.locator(`#services tbody tr[data-service="${name}"]`);
const visibleRows = page => page.locator('#services tbody tr').evaluateAll(rows =>
    rows.map(r => r.dataset.service));

async function waitForCell(page, port, state, timeout = PATIENCE_MS) {
    await page.locator(`#ranges [data-port="${port}"][data-state="${state}"]`).waitFor({ state: 'attached', timeout });
}

async function shot(page, name, options = {}) {
    await page.mouse.move(0, 0); // no hover outline left where the last click was
    await page.screenshot({ path: path.join(shots, `${name}.png`), ...options });
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
const through = await proxy(openUrl);
const heartbeats = new Set();
const beating = setInterval(() => {
    for (const allocation of heartbeats) {
        api(openUrl, 'POST', `/ports/heartbeat/${allocation.allocation_id}`).catch(() => {});
    }
}, 1000);
for (const scenario of [openRegistry, keyedRegistry]) {
    try {
        await scenario();
    } catch (error) {
        if (!(error instanceof Skip)) {
            failed++;
            console.log(`not ok - ${scenario.name}: ${error.stack ?? error}`);
        }
    }
}
clearInterval(beating);
through.close();
await browser.close();
console.log(`dashboard: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** The registry without keys, seen through the proxy from this machine. */
async function openRegistry() {
    const seeds = [['orders', 'rest-api'], ['billing', 'rest-api'], ['inventory', 'rest-api'], ['payments', 'grpc'],
        ['notifications', 'websocket'], ['sessions', 'cache'], ['metrics', 'analytics'], ['auth', 'security'],
        ['web', 'frontend'], ['batch-jobs', 'custom']];
    const held = new Map();
    for (const [name, type] of seeds) {
        const allocation = await allocate(openUrl, name, type);
        held.set(name, allocation);
        heartbeats.add(allocation);
    }
    const releaseMe = await allocate(openUrl, 'release-me', 'rest-api');
    heartbeats.add(releaseMe);
    const expireMe = await allocate(openUrl, 'expire-me', 'cache'); // never heartbeats
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    const seen = watch(page, through.url);
    let cutting = false; // while the test cuts the connection, Chromium logs the broken loads (net::ERR_…)
    seen.allowed = text => cutting && text.includes('net::ERR_');

    await check('/ redirects to the dashboard, which loads and goes live', page, async () => {
        await page.goto(`${through.url}/`);
        assert(new URL(page.url()).pathname === '/ui/', `landed on ${page.url()}`);
        await page.locator('#live[data-state="live"]').waitFor({ timeout: PATIENCE_MS });
        assert(await page.locator('#live-text').textContent() === 'Live', 'the indicator does not say Live');
    });

    await check('allocations made over the API show in the port map', page, async () => {
        for (const [name, allocation] of [...held, ['release-me', releaseMe], ['expire-me', expireMe]]) {
            await waitForCell(page, allocation.port, 'active', 5000);
            const label = await cell(page, allocation.port).getAttribute('aria-label');
            assert(label.includes(name), `cell ${allocation.port} says '${label}', not ${name}`);
        }
        await waitForCell(page, 5432, 'reserved', 5000);
        const restApi = await page.locator('details[data-type="rest-api"] .counts').textContent();
        assert(restApi.startsWith('4 Active · 16 free of 20'), `rest-api counts: ${restApi}`);
        await shot(page, 'map');
    });

    await check('a listener the host\'s agent sees and no allocation holds is drawn as unregistered', page,
        async () => {
            // protected mode: this machine may report for any host, as an agent would for its own
            const own = (await api(openUrl, 'GET', '/ports/health')).host;
            const squatted = (await api(openUrl, 'GET', '/ports/ranges')).database.last_port;
            await api(openUrl, 'POST', `/ports/hosts/${encodeURIComponent(own)}/report`, {
                agent_version: 'ui-test', scanned_at: new Date().toISOString(), addresses: [],
                listeners: [{ protocol: 'tcp', address: '0.0.0.0', port: squatted, pid: 4242, process: 'squatter' }],
            });
            await page.reload();
            await waitForCell(page, squatted, 'unregistered');
            const label = await cell(page, squatted).getAttribute('aria-label');
            assert(label.includes('unregistered listener squatter (pid 4242)'), `cell ${squatted} says '${label}'`);
            const counts = await page.locator('details[data-type="database"] .counts').textContent();
            assert(counts.includes('1 unregistered listener ·'), `database counts: ${counts}`);
            assert(await page.locator('.legend [data-state="unregistered"]').count() === 1, 'no legend entry');
            await accessible(page, 'the port map with an unregistered listener');
            await shot(page, 'map-unregistered');
        });

    await check('the services table lists them, with their status in words', page, async () => {
        await page.click('nav a[href="#services"]');
        await page.locator('#services-view').waitFor();
        const names = await visibleRows(page);
        for (const name of [...held.keys(), 'release-me', 'expire-me', 'postgres']) {
            assert(names.includes(name), `${name} is not in the table: ${names}`);
        }
        assert(await row(page, 'postgres').locator('.status').textContent() === 'Reserved', 'postgres not Reserved');
        assert(await row(page, 'orders').locator('.status').textContent() === 'Active', 'orders not Active');
        await shot(page, 'services');
    });

    await check(`a new allocation shows in the table and the map within ${LIVE_WITHIN_MS} ms, without a reload`,
        page, async () => {
            const navigations = [];
            page.on('framenavigated', frame => navigations.push(frame.url()));
            const late = await allocate(openUrl, 'late-arrival', 'analytics');
            heartbeats.add(late);
            const deadline = Date.now() + LIVE_WITHIN_MS;
            await row(page, 'late-arrival').waitFor({ timeout: Math.max(1, deadline - Date.now()) });
            await waitForCell(page, late.port, 'active', Math.max(1, deadline - Date.now()));
            assert(navigations.length === 0, `the page reloaded: ${navigations}`);
        });

    await check('a release turns its cell to cooling (the reuse delay) and takes it off the table', page, async () => {
        heartbeats.delete(releaseMe);
        await release(openUrl, releaseMe);
        await waitForCell(page, releaseMe.port, 'cooling');
        await row(page, 'release-me').waitFor({ state: 'detached', timeout: PATIENCE_MS });
        const label = await cell(page, releaseMe.port).getAttribute('aria-label');
        assert(label.includes('freed by release-me'), `cell says '${label}'`);
    });

    await check('an expiry turns its cell and its status to Expired', page, async () => {
        await waitForCell(page, expireMe.port, 'expired');
        await page.waitForFunction(() => document.querySelector(
            '#services tr[data-service="expire-me"] .status')?.textContent === 'Expired', null, { timeout: 5000 });
    });

    await check('a drain turns its cell and its status to Draining, and the legend says what that looks like',
        page, async () => {
            const sessions = held.get('sessions'); // still heartbeated: a heartbeat does not end a drain
            await api(openUrl, 'POST', '/ports/drain', { allocation_id: sessions.allocation_id, for: '1h' });
            await waitForCell(page, sessions.port, 'draining');
            await page.waitForFunction(() => document.querySelector(
                '#services tr[data-service="sessions"] .status')?.textContent === 'Draining', null, { timeout: 5000 });
            const legend = await page.locator('.legend').textContent();
            assert(legend.includes('Draining'), `the legend says ${legend}`);
        });

    await check('the search box filters the table as you type: name, type, port, host', page, async () => {
        const search = page.locator('#search');
        const shows = async (text, expected) => {
            await search.fill(text);
            const names = (await visibleRows(page)).sort();
            assert(JSON.stringify(names) === JSON.stringify([...expected].sort()),
                `'${text}' shows ${names}, not ${expected}`);
        };
        await shows('bill', ['billing']);
        await shows('5432', ['postgres']);
        await shows('rest-api', ['orders', 'billing', 'inventory']);
        await shows('cache', ['sessions', 'expire-me']);
        await shows('localhost orders', ['orders']);
        await shows('no-such-service', []);
        assert((await page.locator('#services-count').textContent()).startsWith('0 of'), 'count not updated');
        await search.fill('');
        assert((await visibleRows(page)).length === held.size + 3, 'clearing the search does not show all');
    });

    await check('the table sorts by a column, both ways, and says so', page, async () => {
        const ports = async () => page.locator('#services tbody td.number').allTextContents()
            .then(texts => texts.map(Number));
        await page.click('#services th[data-key="port"] button');
        const up = await ports();
        assert(up.every((port, i) => i === 0 || up[i - 1] <= port), `not ascending: ${up}`);
        assert(await page.getAttribute('#services th[data-key="port"]', 'aria-sort') === 'ascending', 'aria-sort');
        await page.click('#services th[data-key="port"] button');
        const down = await ports();
        assert(down.every((port, i) => i === 0 || down[i - 1] >= port), `not descending: ${down}`);
        await page.click('#services th[data-key="service_name"] button');
    });

    await check('several hosts: the host choice, each host\'s map, the table of all hosts', page, async () => {
        const elsewhere = await allocate(openUrl, 'orders', 'rest-api', null,
            { host: 'node-a', strategy: 'same-port' });
        const cacheB = await allocate(openUrl, 'cache-b', 'cache', null, { host: 'node-b' });
        heartbeats.add(elsewhere);
        heartbeats.add(cacheB);
        assert(elsewhere.port === held.get('orders').port, `same-port granted ${elsewhere.port}`);
        await page.waitForFunction(() => ['node-a', 'node-b'].every(host =>
            [...document.querySelectorAll('#host option')].some(option => option.value === host)), null,
        { timeout: LIVE_WITHIN_MS });
        assert((await visibleRows(page)).filter(name => name === 'orders').length === 1, 'one host: one orders');
        await page.check('#all-hosts');
        const everywhere = await page.locator('#services tbody tr[data-service="orders"]').evaluateAll(rows =>
            rows.map(r => r.dataset.host).sort());
        assert(JSON.stringify(everywhere) === '["localhost","node-a"]', `orders on ${everywhere}`);
        await page.locator('#search').fill('node-b');
        assert(JSON.stringify(await visibleRows(page)) === '["cache-b"]', 'search by host');
        await page.locator('#search').fill('');
        await page.uncheck('#all-hosts');
        await page.click('nav a[href="#map"]');
        await page.selectOption('#host', 'node-b');
        await waitForCell(page, cacheB.port, 'active', 5000);
        assert(await page.locator('details[data-type="rest-api"] .counts').textContent() === '20 free of 20',
            'node-b shows localhost\'s rest-api ports');
        await page.selectOption('#host', 'localhost');
        await waitForCell(page, held.get('orders').port, 'active', 5000);
        await page.click('nav a[href="#services"]');
    });

    await check('a click on a service opens its allocation, other instances and history', page, async () => {
        await row(page, 'orders').locator('button').click();
        await page.locator('#detail').waitFor();
        assert(await page.locator('#detail-title').textContent() === 'orders', 'detail title');
        const facts = await page.locator('#detail .facts').textContent();
        assert(facts.includes(String(held.get('orders').port)) && facts.includes('Active'), `facts: ${facts}`);
        assert(facts.includes(held.get('orders').allocation_id), 'no allocation id');
        await page.locator('#detail table.history tr[data-event="allocated"]').first().waitFor({ timeout: 5000 });
        await page.waitForFunction(port => document.querySelector('#detail .instances')?.textContent
            .includes(`node-a:${port}`), held.get('orders').port, { timeout: 5000 });
        await shot(page, 'detail-service');
    });

    await check('a click on a cell opens the port: a cooling one says who freed it, with its history', page,
        async () => {
            await page.keyboard.press('Escape');
            await page.click('nav a[href="#map"]');
            await cell(page, releaseMe.port).click();
            await page.waitForFunction(port => document.querySelector('#detail-title')?.textContent === `Port ${port}`,
                releaseMe.port, { timeout: 5000 });
            await page.locator('#detail table.history tr[data-event="released"]').waitFor({ timeout: 5000 });
            const facts = await page.locator('#detail .facts').textContent();
            assert(facts.includes('Cooling') && facts.includes('release-me'), `facts: ${facts}`);
            await shot(page, 'detail-port');
            await cell(page, held.get('billing').port).click();
            await page.waitForFunction(() => document.querySelector('#detail-title')?.textContent === 'billing', null,
                { timeout: 5000 });
        });

    await check('the keyboard moves through a range, opens a port and closes it again', page, async () => {
        await page.keyboard.press('Escape');
        assert(await page.locator('#detail').isHidden(), 'Escape did not close the detail');
        const first = page.locator('details[data-type="rest-api"] .cell').first();
        await first.focus();
        await page.keyboard.press('ArrowRight');
        assert(await page.evaluate(() => document.activeElement.dataset.port) === '8081', 'ArrowRight');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('End');
        assert(await page.evaluate(() => document.activeElement.dataset.port) === '8099', 'End');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.querySelector('#detail-title')?.textContent === 'Port 8099');
        await page.keyboard.press('Escape');
        assert(await page.evaluate(() => document.activeElement.dataset.port) === '8099', 'focus not returned');
        await page.keyboard.press('/');
        assert(await page.evaluate(() => document.activeElement.id) === 'search', '/ does not go to the search');
        await page.click('nav a[href="#map"]');
    });

    await check('after a dropped connection it says so, resumes, and misses nothing', page, async () => {
        cutting = true;
        through.drop();
        await page.locator('#live[data-state="reconnecting"]').waitFor({ timeout: PATIENCE_MS });
        const meanwhile = await allocate(openUrl, 'during-outage', 'security');
        heartbeats.add(meanwhile);
        through.restore();
        await page.locator('#live[data-state="live"]').waitFor({ timeout: PATIENCE_MS });
        await waitForCell(page, meanwhile.port, 'active');
        await row(page, 'during-outage').waitFor({ state: 'attached', timeout: PATIENCE_MS });
        await page.locator('#problem').waitFor({ state: 'hidden', timeout: PATIENCE_MS }).catch(() => {});
        cutting = false;
    });

    await check('readable and operable: axe-core finds nothing on each view, light and dark', page, async () => {
        await accessible(page, 'the port map');
        await page.click('nav a[href="#services"]');
        await accessible(page, 'the services table');
        await row(page, 'orders').locator('button').click();
        await page.locator('#detail table.history').waitFor({ timeout: 5000 });
        await accessible(page, 'the detail');
        await page.keyboard.press('Escape');
        await page.emulateMedia({ colorScheme: 'dark' });
        await accessible(page, 'the services table, dark');
        await shot(page, 'services-dark');
        await page.click('nav a[href="#map"]');
        await accessible(page, 'the port map, dark');
        await shot(page, 'map-dark');
        await page.emulateMedia({ colorScheme: 'light' });
    });

    await check('usable on a narrow screen: nothing wider than it, the detail over the view', page, async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.waitForFunction(() => document.documentElement.scrollWidth <= 390, null, { timeout: 5000 })
            .catch(() => {});
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(width <= 390, `the page is ${width} px wide on a 390 px screen`);
        await shot(page, 'narrow-map');
        await cell(page, held.get('orders').port).click();
        await page.locator('#detail').waitFor();
        const box = await page.locator('#detail').boundingBox();
        assert(box.width >= 380, `the detail is ${box.width} px wide`);
        await shot(page, 'narrow-detail');
        await page.keyboard.press('Escape');
        await page.setViewportSize({ width: 1280, height: 800 });
    });

    await check('no console errors, and nothing requested from another origin', page, async () => {
        seen.assertClean();
    });
    await context.close();
}

/** The registry with keys: the page asks for one, refuses a wrong one, works with a reader's. */
async function keyedRegistry() {
    const before = await allocate(keyedUrl, 'keyed-orders', 'rest-api', WRITER_KEY);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const origin = new URL(keyedUrl).origin;
    const seen = watch(page, origin);
    // the answers that make the page ask for a key are 401s, which Chromium logs as failed loads
    seen.allowed = (text, url) => text.includes('401') && url.includes('/ports/');

    await check('with keys configured, the page asks for one', page, async () => {
        await page.goto(`${origin}/`);
        await page.locator('#key-view').waitFor({ timeout: PATIENCE_MS });
        assert(await page.locator('#live').getAttribute('data-state') === 'key', 'indicator not waiting for a key');
        assert(await page.locator('#map-view').isHidden(), 'the map shows without a key');
        await shot(page, 'key');
    });

    await check('a wrong key is refused, and said so', page, async () => {
        await page.fill('#key', 'not-a-key-at-all');
        await page.click('#key-form button');
        await page.waitForFunction(() => document.querySelector('#key-error').textContent.includes('refused'), null,
            { timeout: PATIENCE_MS });
        assert(await page.evaluate(() => sessionStorage.length) === 0, 'a refused key was kept');
    });

    await check('with a reader key it works, live, keeping the key in sessionStorage only', page, async () => {
        await page.fill('#key', READER_KEY);
        await page.click('#key-form button');
        await page.locator('#live[data-state="live"]').waitFor({ timeout: PATIENCE_MS });
        await waitForCell(page, before.port, 'active', 5000);
        const after = await allocate(keyedUrl, 'keyed-billing', 'rest-api', WRITER_KEY);
        await waitForCell(page, after.port, 'active', LIVE_WITHIN_MS);
        const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage),
            local: localStorage.length, cookies: document.cookie }));
        assert(stored.session.includes(READER_KEY), 'the key is not in sessionStorage');
        assert(stored.local === 0 && stored.cookies === '', 'something is kept beyond the tab');
        await shot(page, 'keyed-map');
    });

    await check('the key travels in a header, never in a URL', page, async () => {
        const api = seen.requests.filter(request => new URL(request.url).pathname.startsWith('/ports/'));
        assert(api.every(request => !request.url.includes(READER_KEY) && !request.url.includes('not-a-key')),
            'a key is in a URL');
        const keyed = api.filter(request => request.headers.authorization === `Bearer ${READER_KEY}`);
        assert(keyed.some(request => request.url.includes('/ports/events')), 'the event stream sent no key');
        assert(keyed.length > 0, 'no request carried the key');
    });

    await check('a reload in the same tab keeps the key; "Forget key" drops it', page, async () => {
        await page.reload();
        await page.locator('#live[data-state="live"]').waitFor({ timeout: PATIENCE_MS });
        assert(await page.locator('#key-view').isHidden(), 'asked again after a reload');
        await page.click('#forget-key');
        await page.locator('#key-view').waitFor({ timeout: PATIENCE_MS });
        assert(await page.evaluate(() => sessionStorage.length) === 0, 'the key is still kept');
    });

    await check('keyed: no console errors beyond the 401s, nothing from another origin', page, async () => {
        seen.assertClean();
    });
    await context.close();
}
