// poller.js — the change feed's polling logic, pure: no DOM and no Worker globals,
// so the Worker, the page (fallback) and Node's test runner all import it.
//
// The contract it follows is DESIGN.md "The change feed": GET feedUrl?cursor=N&epoch=E
// answers {epoch, cursor, events, more, poll_ms, wait_max}, {reset, epoch, cursor,
// wait_max}, or 304. With wait_max > 0 the server can hold a request (&wait=S)
// until an event commits: the Poller then long-polls (see Poller below).

export const CAP_MS = 60000;
export const MIN_DELAY_MS = 250;
export const SEEN_MAX = 2000;
/** The longest wait (s) the client asks for, whatever wait_max allows. */
export const LONG_POLL_S = 25;
/**
 * The no-spin guard: a long-poll that comes back with nothing sooner than this
 * (a proxy that answers at once, a server that ignores wait=) is followed by a
 * gap, so the next request starts at least this long after it was sent.
 */
export const MIN_GAP_MS = 1000;
/** A request is abandoned (aborted, then retried with backoff) this long after the wait it asked for. */
export const FETCH_MARGIN_MS = 15000;

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

/** The feed URL for a cursor (null: ask for the head), epoch and wait (s; 0: answer at once). */
export function feedUrl(base, cursor, epoch, wait = 0) {
  const q = [];
  if (cursor !== null && cursor !== undefined && Number.isSafeInteger(cursor) && cursor >= 0) {
    q.push('cursor=' + cursor);
  }
  if (epoch) q.push('epoch=' + encodeURIComponent(epoch));
  if (Number.isSafeInteger(wait) && wait > 0) q.push('wait=' + wait);
  return q.length ? base + (base.includes('?') ? '&' : '?') + q.join('&') : base;
}

/** The wait (s) to ask for after an answer's wait_max: min(wait_max, LONG_POLL_S); 0 (poll on a timer) when absent, 0 or not a whole number. */
export function longPollWait(waitMax) {
  return Number.isSafeInteger(waitMax) && waitMax > 0 ? Math.min(waitMax, LONG_POLL_S) : 0;
}

/**
 * The gap (ms) a long-poll keeps after its `n`-th answer in a row that came
 * back with nothing sooner than MIN_GAP_MS: MIN_GAP_MS, doubling, never more
 * than the polling interval — so a proxy that answers every long-poll at once
 * costs no more requests than interval polling does. 0 for n = 0.
 */
export function spinGap(n, pollMs) {
  if (!(n > 0)) return 0;
  const top = Math.max(MIN_GAP_MS, pollMs);
  return Math.min(top, MIN_GAP_MS * 2 ** Math.min(n - 1, 30));
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
   * only, oldest first), cursor, epoch, more, pollMs, wait (longPollWait of its
   * wait_max)}.
   */
  plan(body) {
    if (!body || typeof body !== 'object') throw new Error('feed: not a JSON object');
    const cursor = Number(body.cursor);
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new Error('feed: bad cursor');
    const pollMs = Number.isFinite(body.poll_ms) && body.poll_ms > 0 ? body.poll_ms : null;
    const wait = longPollWait(body.wait_max);
    if (body.reset === true || (this.epoch && body.epoch && body.epoch !== this.epoch)) {
      return { kind: 'reset', events: [], cursor, epoch: body.epoch || this.epoch, more: false, pollMs, wait };
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
      wait,
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
 *   onStatus({ok, offline, attempt, retryMs, waitMs, at, polls}) -> waitMs: how
 *                              long the next request may be held (0: interval polling)
 *   onUnauthorized()        -> the session ended; polling stops
 *
 * Two rhythms. Interval polling: the next request poll_ms after each answer.
 * Long-polling, from the first 200 that says wait_max > 0 until one says 0 or
 * nothing: every request asks the server to hold it (wait=min(wait_max, 25))
 * and the next one leaves as soon as an answer arrives, 200 or 304 — unless
 * answers come back empty sooner than MIN_GAP_MS (spinGap keeps a gap then).
 * A 304 has no body: the rhythm stays the last 200's. A failure (network,
 * 5xx, no answer in time) backs off with jitter as in interval polling, and
 * the retry asks for no wait, so the page learns at once that the server is
 * back; the good answer to it resumes the long-poll.
 */
export class Poller extends PollLoop {
  constructor(opts) {
    super(opts);
    this.state = new FeedState({ epoch: opts.epoch, cursor: opts.cursor });
    this.pollMs = opts.pollMs > 0 ? opts.pollMs : 5000;
    this.capMs = opts.capMs || CAP_MS;
    this.attempt = 0;
    this.polls = 0;
    this.wait = 0; // s to ask the server to hold a request (the last 200's wait_max, clamped); 0: interval polling
    this.unheld = 0; // long-polls in a row answered with nothing sooner than MIN_GAP_MS
    this.quick = false; // the next request asks for no wait (pollNow cut a held one short)
    this.req = null; // {ctl, cut, wait} of the request in flight
  }

  now() {
    return this.o.now ? this.o.now() : Date.now();
  }

  /** Polls at once: a long-poll being held is cut short (aborted) for a request answered at once. */
  pollNow() {
    const r = this.req;
    if (this.running && this.inFlight && r && r.ctl && r.wait > 0 && !r.cut) {
      r.cut = true;
      this.quick = true;
      r.ctl.abort();
    }
    super.pollNow();
  }

  /** Stops, and abandons the request in flight (a held one would otherwise stay open on the server). */
  stop() {
    super.stop();
    const r = this.req;
    if (r && r.ctl && !r.cut) {
      r.cut = true;
      r.ctl.abort();
    }
  }

  async once() {
    const s = this.state;
    const wait = this.attempt === 0 && !this.quick && s.cursor !== null ? this.wait : 0;
    this.quick = false;
    const headers = { Accept: 'application/json' };
    if (s.etag) headers['If-None-Match'] = s.etag;
    const sentAt = this.now();
    const got = await this.ask(feedUrl(this.o.url, s.cursor, s.epoch, wait), headers, wait);
    if (!got) return 0; // cut short by pollNow (or stop): ask again at once
    const { res, body } = got;
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
    if (res.status === 304) return this.succeeded({ more: false, news: false, wait, sentAt });
    const plan = this.state.plan(body);
    if (plan.pollMs) this.pollMs = plan.pollMs;
    this.wait = plan.wait;
    const etag = res.headers && res.headers.get ? res.headers.get('ETag') : null;
    if (plan.kind === 'reset') {
      await this.applyReset(plan);
      s.commit(plan, null);
    } else {
      if (plan.kind === 'events' && this.o.onEvents) await this.o.onEvents(plan.events, plan);
      s.commit(plan, etag);
    }
    return this.succeeded({ more: plan.more, news: plan.kind === 'events', wait, sentAt });
  }

  /**
   * One request, abandoned FETCH_MARGIN_MS after the wait (s) it asks for.
   * Resolves to {res, body} (body: the JSON of a 2xx answer, else null), or to
   * null when pollNow or stop cut it short. Throws on a network error, on no
   * answer in time, and on an error status other than 400 and 401 (the error
   * carries retryAfterMs when the answer said Retry-After).
   */
  async ask(url, headers, wait) {
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const req = (this.req = { ctl, cut: false, wait });
    const limitMs = wait * 1000 + FETCH_MARGIN_MS;
    const timer = ctl ? this.o.setTimeout(() => ctl.abort(), limitMs) : null;
    try {
      const init = { headers, credentials: 'same-origin', cache: 'no-store' };
      if (ctl) init.signal = ctl.signal;
      const res = await this.o.fetch(url, init);
      if (res.status === 304 || res.status === 400 || res.status === 401) return { res, body: null };
      if (!res.ok) {
        const err = new Error('feed: HTTP ' + res.status);
        const after = retryAfterMs(res.headers && res.headers.get ? res.headers.get('Retry-After') : null, this.now());
        if (after !== null) err.retryAfterMs = after;
        throw err;
      }
      return { res, body: await res.json() };
    } catch (err) {
      if (req.cut) return null;
      if (ctl && ctl.signal.aborted) throw new Error(`feed: no answer within ${Math.round(limitMs / 1000)} s`);
      throw err;
    } finally {
      if (timer !== null) this.o.clearTimeout(timer);
      if (this.req === req) this.req = null;
    }
  }

  async applyReset(plan) {
    if (this.o.onReset) await this.o.onReset(plan);
  }

  /**
   * A good answer to a request that asked for `wait` s and left at `sentAt`
   * (news: it brought new events): resolves the delay before the next one.
   */
  succeeded({ more, news, wait, sentAt }) {
    this.attempt = 0;
    this.polls++;
    let next;
    if (more) {
      next = 0;
    } else if (this.wait > 0) {
      const took = Math.max(0, this.now() - sentAt);
      if (news || (wait > 0 && took >= MIN_GAP_MS)) this.unheld = 0;
      else if (wait > 0) this.unheld++;
      next = Math.max(0, spinGap(this.unheld, this.pollMs) - took);
    } else {
      this.unheld = 0;
      next = this.pollMs;
    }
    this.report({ ok: true, offline: false, attempt: 0, retryMs: next, waitMs: this.wait * 1000 });
    return next;
  }

  /** After a failure: the backoff (at least what a Retry-After asked, within the cap). */
  failed(err) {
    if (!this.running) return null;
    this.attempt++;
    let retryMs = backoffDelay(this.attempt, this.pollMs, this.capMs, this.o.random || Math.random);
    if (err && err.retryAfterMs > retryMs) retryMs = Math.min(this.capMs, err.retryAfterMs);
    this.report({ ok: false, offline: true, attempt: this.attempt, retryMs, waitMs: 0, error: String(err && err.message || err) });
    return retryMs;
  }

  report(s) {
    if (this.o.onStatus) {
      this.o.onStatus({
        ...s,
        at: this.now(),
        polls: this.polls,
        cursor: this.state.cursor,
        epoch: this.state.epoch,
      });
    }
  }
}

/** A Retry-After header (delay-seconds or an HTTP-date, RFC 9110 §10.2.3) in ms from `now`; null when absent or unreadable. */
export function retryAfterMs(value, now = Date.now()) {
  if (value === null || value === undefined) return null;
  const v = String(value).trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
