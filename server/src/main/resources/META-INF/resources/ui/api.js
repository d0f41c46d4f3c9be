// The registry's HTTP API, as this page uses it. Paths are relative to this module's own location (/ui/api.js),
// so the page also works behind a reverse proxy that serves the registry under a path of its own.

const ROOT = new URL('../', import.meta.url);
const KEY_STORAGE = 'sirsi-nexus.api-key';

/**
 * The API key, where the registry needs one. Kept in sessionStorage only (this tab, until it closes) and sent as
 * a header, never in a URL, where it would end up in logs and history.
 */
export const apiKey = {
    get: () => sessionStorage.getItem(KEY_STORAGE),
    set: key => sessionStorage.setItem(KEY_STORAGE, key),
    clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

/** A refusal or failure of the registry, with its problem+json body when it sent one. */
export class ApiError extends Error {
    constructor(status, problem, path) {
        super(problem?.detail ?? `${path} answered HTTP ${status}`);
        this.status = status;
        this.problem = problem;
        this.retryAfter = null;
    }
}

/** The URL of an API path with its query; parameters that are null or undefined are left out. */
export function apiUrl(path, query = {}) {
    const url = new URL(path, ROOT);
    for (const [name, value] of Object.entries(query)) {
        if (value !== null && value !== undefined) {
            url.searchParams.set(name, value);
        }
    }
    return url;
}

/** Request headers: the extra ones plus the key, when there is one. */
export function apiHeaders(extra = {}) {
    const key = apiKey.get();
    return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

/** The ApiError for a response that is not a success. */
export async function failure(response, path) {
    let problem = null;
    try {
        problem = await response.json();
    } catch {
        // not JSON: the status says enough
    }
    const error = new ApiError(response.status, problem, path);
    error.retryAfter = Number(response.headers.get('Retry-After')) || null;
    return error;
}

/**
 * GET a JSON answer as `{body, index}`, `index` being its `X-Sirsi-Index` (the change-log revision the answer is
 * at least as new as). With `missing: true` a 404 is `null` instead of an error.
 */
export async function get(path, query = {}, { missing = false } = {}) {
    const response = await fetch(apiUrl(path, query), { headers: apiHeaders(), cache: 'no-store' });
    if (missing && response.status === 404) {
        return null;
    }
    if (!response.ok) {
        throw await failure(response, path);
    }
    return { body: await response.json(), index: Number(response.headers.get('X-Sirsi-Index')) || 0 };
}

/**
 * The hosts to offer: every host `/ports/hosts` knows (configured, or holding allocations; the registry's own
 * always among them), and which is the registry's own (`host` of `/ports/health`).
 */
export async function knownHosts() {
    const [health, hosts] = await Promise.all([get('ports/health'), get('ports/hosts')]);
    const own = health.body.host;
    return { own, names: [...new Set([own, ...Object.keys(hosts.body)])].sort() };
}
