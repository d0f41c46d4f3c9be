// Follows GET /ports/events. EventSource cannot send headers, and the API key must travel in a header, never in a
// URL, so the stream is read with fetch() and parsed here (the text/event-stream format of the HTML standard).

import { apiHeaders, apiUrl, failure } from './api.js';

/** The registry writes a comment every 15 s; a stream silent for much longer than that is dead. */
const SILENCE_MS = 45_000;
const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Follows the change log after revision `after`. Calls `onEvent(event)` for each event (the stream's data: revision,
 * type, at, allocation), `onStatus('live' | 'reconnecting')` as the connection comes and goes, and resumes a
 * dropped stream where it was with `Last-Event-ID`, so nothing is lost or seen twice. Ends, calling `onEnd(error)`,
 * on what retrying cannot fix: a 410 (the revision was compacted) or a 409 (the revision is ahead of the log, which was
 * reset or restored): in both the caller reloads and follows again; a 401 or 403 (a key is needed). Returns a handle
 * whose `stop()` ends it.
 */
export function follow({ after, onEvent, onStatus, onEnd }) {
    let lastId = String(after);
    let stopped = false;
    let controller = null;

    async function run() {
        for (let attempt = 0; !stopped;) {
            controller = new AbortController();
            let response;
            try {
                response = await fetch(apiUrl('ports/events'), {
                    headers: apiHeaders({ 'Last-Event-ID': lastId }), cache: 'no-store', signal: controller.signal,
                });
            } catch {
                response = null; // the registry is unreachable, or we stopped
            }
            if (stopped) {
                return;
            }
            if (response && !response.ok) {
                const error = await failure(response, 'ports/events');
                if ([401, 403, 409, 410].includes(response.status)) {
                    stopped = true;
                    onEnd(error);
                    return;
                }
                await pause(error.retryAfter ? error.retryAfter * 1000 : retry(attempt++));
                continue;
            }
            if (response) {
                attempt = 0;
                onStatus('live');
                await read(response.body, controller);
                if (stopped) {
                    return;
                }
            }
            onStatus('reconnecting');
            await pause(retry(attempt++));
        }
    }

    /** Reads events until the stream ends, fails or stays silent too long. */
    async function read(body, abort) {
        const reader = body.pipeThrough(new TextDecoderStream()).getReader();
        let watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
        let buffer = '';
        let event = { id: null, type: 'message', data: [] };
        try {
            for (;;) {
                const { value, done } = await reader.read();
                if (done) {
                    return;
                }
                clearTimeout(watchdog);
                watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
                buffer += value;
                const lines = buffer.split(/\r\n|\r|\n/);
                buffer = lines.pop();
                for (const line of lines) {
                    event = field(event, line);
                }
            }
        } catch {
            // dropped, aborted by the watchdog, or stopped: the caller decides what follows
        } finally {
            clearTimeout(watchdog);
        }
    }

    /** One line of the stream: a field of the event being read, or the blank line that dispatches it. */
    function field(event, line) {
        if (line === '') {
            if (event.id !== null) {
                lastId = event.id; // an id with no data too: a keep-alive saying how far the stream has read
            }
            if (event.data.length > 0) {
                onEvent(JSON.parse(event.data.join('\n')));
            }
            return { id: null, type: 'message', data: [] };
        }
        if (line.startsWith(':')) {
            return event; // a comment: the registry's greeting and keep-alives
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'data') {
            event.data.push(value);
        } else if (name === 'id') {
            event.id = value;
        } else if (name === 'event') {
            event.type = value;
        }
        return event;
    }

    run();
    return {
        stop() {
            stopped = true;
            controller?.abort();
        },
    };
}

function retry(attempt) {
    return RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
}

function pause(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}
