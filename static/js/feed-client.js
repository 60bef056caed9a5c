// feed-client.js — one polling tab per browser. The tab holding a Web Lock
// (navigator.locks) leads: it polls the change feed from feed-worker.js (or,
// where module Workers fail, from the page with the same Poller) and relays
// what it learns over a BroadcastChannel; the other tabs follow it. When the
// leader's tab closes, the lock passes to a waiting tab, which starts from the
// position it has followed. Everything global comes in `env` (tests pass fakes).
import { Poller } from './poller.js?v=1';

/**
 * Starts following the feed. opts: feedUrl, workerUrl (may be empty), pollMs,
 * position() → {cursor, epoch} to start a poller from, onLeader() when this tab
 * starts polling, and `on`:
 *   events(events, {cursor, epoch, leading}) → promise; a rejection makes the
 *     Worker offer the batch again (the cursor moves only once it is applied)
 *   reset({cursor, epoch}, {leading}) → promise: reload what the page shows
 *   status({ok, at, ...}), unauthorized()
 * Returns {requestPoll(), stop(), isLeading()}.
 */
export function createFeed({ feedUrl, workerUrl, pollMs, position, onLeader = () => {}, on, env = globalThis }) {
  const channelName = 'ordersync-feed ' + new URL(feedUrl, env.location.href).pathname;
  const bc = env.BroadcastChannel ? new env.BroadcastChannel(channelName) : null;
  const post = (m) => { if (bc) bc.postMessage(m); };
  let leading = false;
  let feed = null;

  // What the leader learns, applied here and passed on to the followers.
  const lead = {
    async events(events, cursor, epoch) {
      await on.events(events, { cursor, epoch, leading: true });
      post({ type: 'events', events, cursor, epoch });
    },
    async reset(cursor, epoch) {
      await on.reset({ cursor, epoch }, { leading: true });
      post({ type: 'reset', cursor, epoch });
    },
    status(s) {
      on.status(s);
      post({ type: 'status', ok: s.ok, at: s.at });
    },
    unauthorized() {
      on.unauthorized();
      post({ type: 'unauthorized' });
    },
  };

  function pagePoller() {
    const p = new Poller({
      url: feedUrl, ...position(), pollMs,
      fetch: (u, init) => env.fetch(u, init),
      setTimeout: (f, ms) => env.setTimeout(f, ms),
      clearTimeout: (x) => env.clearTimeout(x),
      now: () => Date.now(),
      onEvents: (events, plan) => lead.events(events, plan.cursor, plan.epoch),
      onReset: (plan) => lead.reset(plan.cursor, plan.epoch),
      onStatus: (s) => lead.status(s),
      onUnauthorized: () => lead.unauthorized(),
    });
    p.start();
    return { pollNow: () => p.pollNow(), stop: () => p.stop() };
  }

  function workerPoller() {
    const w = new env.Worker(workerUrl, { type: 'module' });
    let failed = false;
    w.onmessage = async (e) => {
      const m = e.data || {};
      if (m.type === 'events' || m.type === 'reset') {
        try {
          if (m.type === 'events') await lead.events(m.events || [], m.cursor, m.epoch);
          else await lead.reset(m.cursor, m.epoch);
          w.postMessage({ type: 'ack', seq: m.seq });
        } catch (err) {
          w.postMessage({ type: 'nack', seq: m.seq, error: String(err) });
        }
      } else if (m.type === 'status') {
        lead.status(m);
      } else if (m.type === 'unauthorized') {
        lead.unauthorized();
      }
    };
    // No module workers here, or the script failed: poll from the page instead.
    w.onerror = (e) => {
      if (e && e.preventDefault) e.preventDefault();
      if (failed) return;
      failed = true;
      w.terminate();
      feed = pagePoller();
    };
    w.postMessage({ type: 'start', url: feedUrl, ...position(), pollMs });
    return { pollNow: () => w.postMessage({ type: 'poll-now' }), stop: () => w.terminate() };
  }

  function start() {
    leading = true;
    onLeader();
    try {
      feed = env.Worker && workerUrl ? workerPoller() : pagePoller();
    } catch {
      feed = pagePoller();
    }
  }

  async function follow(m) {
    if (m.type === 'poll-now') {
      if (leading && feed) feed.pollNow();
    } else if (leading) {
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
  if (bc) bc.onmessage = (e) => follow(e.data || {}).catch(() => {});

  const locks = env.navigator && env.navigator.locks;
  if (bc && locks && locks.request) locks.request(channelName, () => new Promise(() => start()));
  else start();

  return {
    requestPoll() {
      if (leading && feed) feed.pollNow();
      else post({ type: 'poll-now' });
    },
    stop() {
      if (feed) feed.stop();
      feed = null;
    },
    isLeading: () => leading,
  };
}
