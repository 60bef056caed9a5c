// order-status.js — keeps the confirmation page's status live: polls
// GET /orders/{number}/status with If-None-Match (a 304 costs nothing),
// shows a change without a reload and announces it (aria-live). Errors back
// off exponentially with jitter, up to a minute. Without JavaScript the page
// reloads itself every 30 s (<noscript><meta http-equiv="refresh">).

const FINAL = new Set(['completed', 'cancelled']);
const MAX_DELAY = 60000;

const el = document.querySelector('[data-order-status]');

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function apply(status) {
  const label = el.dataset[`label${cap(status)}`] || status;
  const help = el.dataset[`help${cap(status)}`] || '';
  const badge = document.querySelector('[data-status-badge]');
  if (badge) {
    badge.className = `badge badge--${status} badge--flash`;
    badge.textContent = label;
  }
  const helpEl = document.querySelector('[data-status-help]');
  if (helpEl) helpEl.textContent = help;
  const live = document.querySelector('[data-status-live]');
  if (live) live.textContent = (el.dataset.changed || '{status}').replace('{status}', label);
  const note = document.querySelector('[data-status-note]');
  if (note && FINAL.has(status)) note.hidden = true;
}

if (el && el.dataset.url) {
  const base = Math.max(2000, Number(el.dataset.pollMs) || 5000);
  let status = el.dataset.status;
  let etag = null;
  let delay = base;
  let timer = null;
  let busy = false;

  const schedule = () => {
    clearTimeout(timer);
    if (FINAL.has(status)) return;
    timer = setTimeout(poll, delay * (0.85 + Math.random() * 0.3));
  };

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const headers = { Accept: 'application/json' };
      if (etag) headers['If-None-Match'] = etag;
      const res = await fetch(el.dataset.url, { headers, cache: 'no-store', credentials: 'same-origin' });
      if (res.status === 404) return; // the order is gone: stop
      if (res.status !== 304) {
        if (!res.ok) throw new Error(`status ${res.status}`);
        etag = res.headers.get('ETag');
        const data = await res.json();
        if (data.status && data.status !== status) {
          status = data.status;
          apply(status);
        }
      }
      delay = base;
    } catch {
      delay = Math.min(delay * 2, MAX_DELAY);
    } finally {
      busy = false;
    }
    schedule();
  }

  // A tab coming back to the front asks at once.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !FINAL.has(status)) {
      clearTimeout(timer);
      poll();
    }
  });
  schedule();
}
