// feed-worker.js — a dedicated Worker that polls the change feed, so timer
// throttling of a background tab does not delay alerts. It owns the Poller and
// hands each batch of events to the page, moving its cursor only once the page
// says the batch was applied.
import { Poller } from './poller.js?v=3';

const ACK_TIMEOUT_MS = 10000;
let poller = null;
let seq = 0;
const waiting = new Map();

/** Posts a batch to the page and resolves when the page acknowledges it. */
function ask(type, data) {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('page did not apply ' + type));
    }, ACK_TIMEOUT_MS);
    waiting.set(id, { resolve, reject, timer });
    self.postMessage({ type, seq: id, ...data });
  });
}

self.onmessage = (e) => {
  const m = e.data || {};
  switch (m.type) {
    case 'start':
      if (poller) poller.stop();
      poller = new Poller({
        url: m.url,
        epoch: m.epoch,
        cursor: m.cursor,
        pollMs: m.pollMs,
        fetch: (u, init) => fetch(u, init),
        setTimeout: (f, ms) => setTimeout(f, ms),
        clearTimeout: (t) => clearTimeout(t),
        now: () => Date.now(),
        onEvents: (events, plan) => ask('events', { events, cursor: plan.cursor, epoch: plan.epoch }),
        onReset: (plan) => ask('reset', { cursor: plan.cursor, epoch: plan.epoch }),
        onStatus: (s) => self.postMessage({ type: 'status', ...s }),
        onUnauthorized: () => self.postMessage({ type: 'unauthorized' }),
      });
      poller.start();
      break;
    case 'poll-now':
      if (poller) poller.pollNow();
      break;
    case 'ping': // the self-test: is this Worker alive, and polling?
      self.postMessage({ type: 'pong', nonce: m.nonce, polling: !!(poller && poller.running) });
      break;
    case 'ack':
    case 'nack': {
      const w = waiting.get(m.seq);
      if (!w) break;
      waiting.delete(m.seq);
      clearTimeout(w.timer);
      if (m.type === 'ack') w.resolve();
      else w.reject(new Error(m.error || 'page failed to apply events'));
      break;
    }
    case 'stop':
      if (poller) poller.stop();
      poller = null;
      break;
    default:
      break;
  }
};
