// feed-client.js — one polling tab per browser. The tab holding a Web Lock
// (navigator.locks) leads: it polls the change feed from feed-worker.js (or,
// where module Workers fail, from the page with the same Poller) and relays
// what it learns over a BroadcastChannel; the other tabs follow it. When the
// leader's tab closes, the lock passes to a waiting tab, which starts from the
// position it has followed. A tab that opens asks the leader for its last status
// ('hello'): a long-polling leader may not hear from the server for 25 s, and
// the new tab must not show "offline" until then. Everything global comes in
// `env` (tests pass fakes).
import { Poller } from './poller.js?v=3';

/**
 * Starts following the feed. opts: feedUrl, workerUrl (may be empty), pollMs,
 * position() → {cursor, epoch} to start a poller from, onLeader() when this tab
 * starts polling, and `on`:
 *   events(events, {cursor, epoch, leading}) → promise; a rejection makes the
 *     Worker offer the batch again (the cursor moves only once it is applied)
 *   reset({cursor, epoch}, {leading}) → promise: reload what the page shows
 *   status({ok, at, waitMs, ...}), unauthorized()
 * Returns {requestPoll(), stop(), isLeading(), ping(ms)}: ping asks whoever
 * polls for this browser whether it is alive and resolves with where the
 * polling runs — 'worker', 'page' (no module Workers here), or 'none' when
 * nothing answered within ms (the self-test's "worker alive").
 */
export function createFeed(opts) {
  const c = new FeedClient(opts);
  c.begin();
  return {
    requestPoll: () => c.requestPoll(), stop: () => c.stop(), isLeading: () => c.leading, ping: (ms) => c.ping(ms),
  };
}

class FeedClient {
  constructor({ feedUrl, workerUrl, pollMs, position, onLeader = () => {}, on, env = globalThis }) {
    Object.assign(this, { feedUrl, workerUrl, pollMs, position, onLeader, on, env });
    this.channelName = 'ordersync-feed ' + new URL(feedUrl, env.location.href).pathname;
    this.bc = env.BroadcastChannel ? new env.BroadcastChannel(this.channelName) : null;
    this.leading = false;
    this.feed = null;
    this.lastStatus = null; // the leader's last status, for tabs that open later
    this.pings = new Map(); // nonce → resolve(where), for ping()
    this.nonce = Math.floor(Math.random() * 1e9); // tabs share the channel: start apart
  }

  post(m) {
    if (this.bc) this.bc.postMessage(m);
  }

  // What the leader learns: applied here, then passed on to the followers.
  async leadEvents(events, cursor, epoch) {
    await this.on.events(events, { cursor, epoch, leading: true });
    this.post({ type: 'events', events, cursor, epoch });
  }

  async leadReset(cursor, epoch) {
    await this.on.reset({ cursor, epoch }, { leading: true });
    this.post({ type: 'reset', cursor, epoch });
  }

  leadStatus(s) {
    this.on.status(s);
    this.lastStatus = { type: 'status', ok: s.ok, at: s.at, waitMs: s.waitMs || 0 };
    this.post(this.lastStatus);
  }

  leadUnauthorized() {
    this.on.unauthorized();
    this.post({ type: 'unauthorized' });
  }

  pagePoller() {
    const { env } = this;
    const p = new Poller({
      url: this.feedUrl, ...this.position(), pollMs: this.pollMs,
      fetch: (u, init) => env.fetch(u, init),
      setTimeout: (f, ms) => env.setTimeout(f, ms),
      clearTimeout: (x) => env.clearTimeout(x),
      now: () => Date.now(),
      onEvents: (events, plan) => this.leadEvents(events, plan.cursor, plan.epoch),
      onReset: (plan) => this.leadReset(plan.cursor, plan.epoch),
      onStatus: (s) => this.leadStatus(s),
      onUnauthorized: () => this.leadUnauthorized(),
    });
    p.start();
    return { pollNow: () => p.pollNow(), stop: () => p.stop(), ping: async () => (p.running ? 'page' : 'none') };
  }

  workerPoller() {
    const w = new this.env.Worker(this.workerUrl, { type: 'module' });
    let failed = false;
    w.onmessage = (e) => this.fromWorker(w, e.data || {});
    // No module workers here, or the script failed: poll from the page instead.
    w.onerror = (e) => {
      if (e && e.preventDefault) e.preventDefault();
      if (failed) return;
      failed = true;
      w.terminate();
      this.feed = this.pagePoller();
    };
    w.postMessage({ type: 'start', url: this.feedUrl, ...this.position(), pollMs: this.pollMs });
    return {
      pollNow: () => w.postMessage({ type: 'poll-now' }),
      stop: () => w.terminate(),
      ping: () => this.waitPong((nonce) => w.postMessage({ type: 'ping', nonce })),
    };
  }

  /** A Worker's message; batches are acknowledged once applied (or refused). */
  async fromWorker(w, m) {
    if (m.type === 'events' || m.type === 'reset') {
      try {
        if (m.type === 'events') await this.leadEvents(m.events || [], m.cursor, m.epoch);
        else await this.leadReset(m.cursor, m.epoch);
        w.postMessage({ type: 'ack', seq: m.seq });
      } catch (err) {
        w.postMessage({ type: 'nack', seq: m.seq, error: String(err) });
      }
    } else if (m.type === 'status') {
      this.leadStatus(m);
    } else if (m.type === 'unauthorized') {
      this.leadUnauthorized();
    } else if (m.type === 'pong') {
      this.pong(m.nonce, m.polling ? 'worker' : 'none');
    }
  }

  /** Sends a ping (send(nonce)) and resolves with the pong's answer; pong() settles it. */
  waitPong(send) {
    const nonce = ++this.nonce;
    return new Promise((resolve) => {
      this.pings.set(nonce, resolve);
      send(nonce);
    });
  }

  pong(nonce, where) {
    const resolve = this.pings.get(nonce);
    if (!resolve) return;
    this.pings.delete(nonce);
    resolve(where);
  }

  /** Where this browser's polling runs: the leader's own answer, or the leading tab's over the channel. */
  async ping(ms = 2000) {
    const { env } = this;
    const asked = this.leading
      ? (this.feed && this.feed.ping ? this.feed.ping() : Promise.resolve('none'))
      : this.waitPong((nonce) => this.post({ type: 'ping', nonce }));
    let timer = null;
    const late = new Promise((resolve) => { timer = env.setTimeout(() => resolve('none'), ms); });
    const where = await Promise.race([asked, late]);
    env.clearTimeout(timer);
    return where;
  }

  start() {
    this.leading = true;
    this.onLeader();
    try {
      this.feed = this.env.Worker && this.workerUrl ? this.workerPoller() : this.pagePoller();
    } catch {
      this.feed = this.pagePoller();
    }
  }

  /** A message from another tab of this browser. */
  async fromTab(m) {
    const { on } = this;
    if (m.type === 'poll-now') {
      if (this.leading && this.feed) this.feed.pollNow();
    } else if (m.type === 'ping') {
      if (this.leading) this.post({ type: 'pong', nonce: m.nonce, where: await this.ping() });
    } else if (m.type === 'pong') {
      if (!this.leading) this.pong(m.nonce, m.where);
    } else if (m.type === 'hello') {
      if (this.leading && this.lastStatus) this.post(this.lastStatus);
    } else if (this.leading) {
      // Another tab leads only when we do not: ignore stray messages.
    } else if (m.type === 'events') {
      await on.events(m.events || [], { cursor: m.cursor, epoch: m.epoch, leading: false });
    } else if (m.type === 'reset') {
      await on.reset({ cursor: m.cursor, epoch: m.epoch }, { leading: false });
    } else if (m.type === 'status') {
      on.status(m);
    } else if (m.type === 'unauthorized') {
      on.unauthorized();
    }
  }

  /** Leader election: whoever holds the lock polls; without locks (or a channel) every tab does. */
  begin() {
    if (this.bc) this.bc.onmessage = (e) => this.fromTab(e.data || {}).catch(() => {});
    this.post({ type: 'hello' }); // a leader answers with its last status
    const locks = this.env.navigator && this.env.navigator.locks;
    if (this.bc && locks && locks.request) locks.request(this.channelName, () => new Promise(() => this.start()));
    else this.start();
  }

  requestPoll() {
    if (this.leading && this.feed) this.feed.pollNow();
    else this.post({ type: 'poll-now' });
  }

  stop() {
    if (this.feed) this.feed.stop();
    this.feed = null;
  }
}
