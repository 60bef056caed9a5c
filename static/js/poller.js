// poller.js — the change feed's polling logic, pure: no DOM and no Worker globals,
// so the Worker, the page (fallback) and Node's test runner all import it.
//
// The contract it follows is DESIGN.md "The change feed": GET feedUrl?cursor=N&epoch=E
// answers {epoch, cursor, events, more, poll_ms}, {reset, epoch, cursor}, or 304.

export const CAP_MS = 60000;
export const MIN_DELAY_MS = 250;
export const SEEN_MAX = 2000;

/**
 * Delay before retry number `attempt` (1, 2, ...) after failures: "full jitter"
 * exponential backoff — uniform in [min(MIN_DELAY_MS, ceiling), ceiling] where
 * ceiling = min(cap, base × 2^(attempt-1)). The small floor keeps an unlucky draw
 * from hammering the server with back-to-back requests.
 */
export function backoffDelay(attempt, baseMs, capMs = CAP_MS, random = Math.random) {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.max(0, Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 30)));
  const floor = Math.min(MIN_DELAY_MS, ceiling);
  return Math.floor(floor + random() * (ceiling - floor));
}

/** The feed URL for a cursor (null: ask for the head) and epoch. */
export function feedUrl(base, cursor, epoch) {
  const q = [];
  if (cursor !== null && cursor !== undefined && Number.isSafeInteger(cursor) && cursor >= 0) {
    q.push('cursor=' + cursor);
  }
  if (epoch) q.push('epoch=' + encodeURIComponent(epoch));
  return q.length ? base + (base.includes('?') ? '&' : '?') + q.join('&') : base;
}

/**
 * Where the client is in the feed. plan() reads an answer without changing
 * anything; commit() moves the cursor once the caller has applied the events.
 * So a failure while applying leaves the cursor where it was, and the same
 * events come again (and are not shown twice: seen ids are remembered).
 */
export class FeedState {
  constructor({ epoch = null, cursor = null } = {}) {
    this.epoch = epoch || null;
    this.cursor = Number.isSafeInteger(cursor) && cursor >= 0 ? cursor : null;
    this.etag = null;
    this.seen = new Set();
    this.seenOrder = [];
  }

  /** Remembers an event id (bounded: the oldest ids are forgotten first). */
  remember(id) {
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.seenOrder.push(id);
    while (this.seenOrder.length > SEEN_MAX) this.seen.delete(this.seenOrder.shift());
  }

  /** 1 when an event was already applied, by id or because the cursor passed it. */
  hasSeen(id) {
    return this.seen.has(id) || (this.cursor !== null && id <= this.cursor);
  }

  /**
   * What a 200 body means: {kind: 'reset' | 'events' | 'empty', events (new ones
   * only, oldest first), cursor, epoch, more, pollMs}.
   */
  plan(body) {
    if (!body || typeof body !== 'object') throw new Error('feed: not a JSON object');
    const cursor = Number(body.cursor);
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new Error('feed: bad cursor');
    const pollMs = Number.isFinite(body.poll_ms) && body.poll_ms > 0 ? body.poll_ms : null;
    if (body.reset === true || (this.epoch && body.epoch && body.epoch !== this.epoch)) {
      return { kind: 'reset', events: [], cursor, epoch: body.epoch || this.epoch, more: false, pollMs };
    }
    const list = Array.isArray(body.events) ? body.events : [];
    const events = list
      .filter((e) => e && Number.isSafeInteger(e.id) && !this.hasSeen(e.id))
      .sort((a, b) => a.id - b.id);
    return {
      kind: events.length ? 'events' : 'empty',
      events,
      cursor,
      epoch: body.epoch || this.epoch,
      more: body.more === true,
      pollMs,
    };
  }

  /** Applies a plan after its events were handled: the cursor only moves forward (or resets). */
  commit(plan, etag = null) {
    for (const e of plan.events) this.remember(e.id);
    if (plan.kind === 'reset') {
      this.cursor = plan.cursor;
      this.etag = null;
    } else if (this.cursor === null || plan.cursor > this.cursor) {
      this.cursor = plan.cursor;
    }
    if (plan.epoch) this.epoch = plan.epoch;
    if (plan.kind !== 'reset') this.etag = etag;
  }
}

/**
 * A loop of polls on timers, one poll at a time. A subclass gives once() (one
 * poll; resolves to the delay before the next, or null to stop) and
 * failed(err) (the delay after an error, or null to stop). The timers come in
 * o (setTimeout, clearTimeout), so a Worker, a page or a test can drive it.
 */
export class PollLoop {
  constructor(o) {
    this.o = o;
    this.timer = null;
    this.running = false;
    this.inFlight = false;
    this.again = false;
  }

  start(firstMs = 0) {
    if (this.running) return;
    this.running = true;
    this.schedule(firstMs);
  }

  stop() {
    this.running = false;
    if (this.timer !== null) this.o.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls at once (tab visible again, Refresh); after the current poll if one is running. */
  pollNow() {
    if (!this.running) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  schedule(ms) {
    if (!this.running) return;
    if (this.timer !== null) this.o.clearTimeout(this.timer);
    this.timer = this.o.setTimeout(() => {
      this.timer = null;
      this.tick();
    }, ms);
  }

  /** One poll; resolves to the delay chosen for the next one (null: stopped; tests read it). */
  async tick() {
    if (!this.running || this.inFlight) return null;
    this.inFlight = true;
    let next;
    try {
      next = await this.once();
    } catch (err) {
      next = this.failed(err);
    }
    this.inFlight = false;
    if (next === null) {
      this.stop();
      return null;
    }
    if (this.again) {
      this.again = false;
      next = 0;
    }
    this.schedule(next);
    return next;
  }
}

/**
 * The feed's polling loop. Everything it touches comes in `opts`, so a Worker,
 * a page or a test can drive it:
 *   url, epoch, cursor, pollMs, fetch, setTimeout, clearTimeout, now, random,
 *   onEvents(events, plan)  -> may return a promise; the cursor moves when it resolves
 *   onReset(plan)           -> the list must be reloaded; same promise rule
 *   onStatus({ok, offline, attempt, retryMs, at, polls})
 *   onUnauthorized()        -> the session ended; polling stops
 */
export class Poller extends PollLoop {
  constructor(opts) {
    super(opts);
    this.state = new FeedState({ epoch: opts.epoch, cursor: opts.cursor });
    this.pollMs = opts.pollMs > 0 ? opts.pollMs : 5000;
    this.capMs = opts.capMs || CAP_MS;
    this.attempt = 0;
    this.polls = 0;
  }

  async once() {
    const s = this.state;
    const headers = { Accept: 'application/json' };
    if (s.etag) headers['If-None-Match'] = s.etag;
    const res = await this.o.fetch(feedUrl(this.o.url, s.cursor, s.epoch), {
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (res.status === 401) {
      this.stop();
      if (this.o.onUnauthorized) this.o.onUnauthorized();
      return null;
    }
    if (res.status === 400) {
      // Our cursor or epoch is one the server cannot read: start again from the head.
      s.cursor = null;
      s.epoch = null;
      s.etag = null;
      await this.applyReset({ kind: 'reset', events: [], cursor: 0, epoch: null, more: false });
      throw new Error('feed: 400');
    }
    if (res.status === 304) return this.succeeded(false);
    if (!res.ok) throw new Error('feed: HTTP ' + res.status);
    const body = await res.json();
    const plan = this.state.plan(body);
    if (plan.pollMs) this.pollMs = plan.pollMs;
    const etag = res.headers && res.headers.get ? res.headers.get('ETag') : null;
    if (plan.kind === 'reset') {
      await this.applyReset(plan);
      s.commit(plan, null);
    } else {
      if (plan.kind === 'events' && this.o.onEvents) await this.o.onEvents(plan.events, plan);
      s.commit(plan, etag);
    }
    return this.succeeded(plan.more);
  }

  async applyReset(plan) {
    if (this.o.onReset) await this.o.onReset(plan);
  }

  succeeded(more) {
    this.attempt = 0;
    this.polls++;
    this.report({ ok: true, offline: false, attempt: 0, retryMs: more ? 0 : this.pollMs });
    return more ? 0 : this.pollMs;
  }

  failed(err) {
    if (!this.running) return null;
    this.attempt++;
    const retryMs = backoffDelay(this.attempt, this.pollMs, this.capMs, this.o.random || Math.random);
    this.report({ ok: false, offline: true, attempt: this.attempt, retryMs, error: String(err && err.message || err) });
    return retryMs;
  }

  report(s) {
    if (this.o.onStatus) {
      this.o.onStatus({
        ...s,
        at: this.o.now ? this.o.now() : Date.now(),
        polls: this.polls,
        cursor: this.state.cursor,
        epoch: this.state.epoch,
      });
    }
  }
}
