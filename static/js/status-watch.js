// status-watch.js — the customer's order page asks GET /orders/{number}/status
// (with If-None-Match: a 304 costs nothing) every max(2 s, poll_ms) ± 15 %,
// until the server's workflow calls the status final or the order is gone
// (404). Errors back off like the admin feed: poller.js's backoffDelay (full
// jitter, capped at a minute). Pure: timers and fetch come in (Node tests).
import { backoffDelay, CAP_MS, PollLoop } from './poller.js?v=3';
import { isFinal } from './workflow.js?v=1';

export const MIN_POLL_MS = 2000;

/** The steady interval for a page's poll_ms (at least MIN_POLL_MS; 5 s when unset). */
export function pollBase(pollMs) {
  return Math.max(MIN_POLL_MS, Number(pollMs) || 5000);
}

/** The steady delay with ±15 % jitter, so many open pages do not ask in step. */
export function steadyDelay(base, random = Math.random) {
  return Math.round(base * (0.85 + random() * 0.3));
}

/**
 * The polling loop. opts: url, status (the page's), statuses (the server's
 * {status: {label, help, final}}), pollMs, fetch, setTimeout, clearTimeout,
 * random, onChange(status) when the status changes.
 */
export class StatusWatch extends PollLoop {
  constructor(opts) {
    super(opts);
    this.status = opts.status;
    this.base = pollBase(opts.pollMs);
    this.random = opts.random || Math.random;
    this.etag = null;
    this.attempt = 0;
  }

  get final() {
    return isFinal(this.o.statuses, this.status);
  }

  start() {
    if (this.final) return;
    super.start(steadyDelay(this.base, this.random));
  }

  failed() {
    this.attempt++;
    return backoffDelay(this.attempt, this.base, CAP_MS, this.random);
  }

  async once() {
    const headers = { Accept: 'application/json' };
    if (this.etag) headers['If-None-Match'] = this.etag;
    const res = await this.o.fetch(this.o.url, { headers, cache: 'no-store', credentials: 'same-origin' });
    if (res.status === 404) return null; // the order is gone: stop
    if (res.status !== 304) {
      if (!res.ok) throw new Error(`status ${res.status}`);
      const data = await res.json();
      this.etag = res.headers && res.headers.get ? res.headers.get('ETag') : null;
      if (data && typeof data.status === 'string' && data.status && data.status !== this.status) {
        this.status = data.status;
        this.o.onChange(this.status);
      }
    }
    this.attempt = 0;
    return this.final ? null : steadyDelay(this.base, this.random);
  }
}
