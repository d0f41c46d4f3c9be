// Small DOM and formatting helpers. Nothing here uses innerHTML: every value from the registry is set as text.

/** An element with attributes (`class`, `data-*`, `aria-*`, properties such as `hidden`) and children. */
export function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (name === 'hidden' || name === 'disabled') {
            element[name] = true;
        } else {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    }
    element.append(...children.flat().filter(child => child !== null && child !== undefined && child !== false));
    return element;
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago", from an ISO-8601 time. */
export function ago(iso, now = Date.now()) {
    if (!iso) {
        return '—';
    }
    const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    if (seconds < 60) {
        return `${seconds} s ago`;
    }
    if (seconds < 3600) {
        return `${Math.floor(seconds / 60)} min ago`;
    }
    if (seconds < 86400) {
        return `${Math.floor(seconds / 3600)} h ago`;
    }
    return `${Math.floor(seconds / 86400)} d ago`;
}

/** A `<time>` showing how long ago, with the exact time as its tooltip. */
export function timeAgo(iso) {
    return el('time', { datetime: iso, title: iso ? new Date(iso).toLocaleString() : null }, ago(iso));
}

/** Updates every `<time>` made by {@link timeAgo} under the root: relative times age while the page is open. */
export function refreshTimes(root) {
    const now = Date.now();
    for (const time of root.querySelectorAll('time[datetime]')) {
        time.textContent = ago(time.getAttribute('datetime'), now);
    }
}

/** A status as text and colour (never colour alone): Active, Draining, Expired, Reserved, or a port state. */
export function statusBadge(status) {
    return el('span', { class: 'status', 'data-status': status.toLowerCase() }, status);
}

/** Calls `action` once, `delay` ms after the last of a burst of calls. */
export function debounce(action, delay) {
    let timer = null;
    return (...args) => {
        clearTimeout(timer);
        timer = setTimeout(() => action(...args), delay);
    };
}
