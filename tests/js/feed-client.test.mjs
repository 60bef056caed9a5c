// feed-client.test.mjs — one polling tab per browser (static/js/feed-client.js),
// with fakes for BroadcastChannel, Worker, Web Locks and timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createFeed } from '../../static/js/feed-client.js';

/** A browser's shared pieces: channels by name, one lock queue, Workers made. */
function browser() {
  const channels = new Map();
  const waiting = [];
  let held = false;
  const workers = [];
  class FakeChannel {
    constructor(name) {
      this.name = name;
      this.onmessage = null;
      (channels.get(name) || channels.set(name, []).get(name)).push(this);
    }
    postMessage(data) {
      for (const c of channels.get(this.name)) if (c !== this && c.onmessage) c.onmessage({ data: structuredClone(data) });
    }
  }
  class FakeWorker {
    constructor(url, opts) {
      this.url = url;
      this.opts = opts;
      this.sent = [];
      this.terminated = false;
      workers.push(this);
    }
    postMessage(m) { this.sent.push(m); }
    terminate() { this.terminated = true; }
  }
  const locks = {
    request(name, cb) {
      if (held) waiting.push(cb);
      else { held = true; cb(); }
      return new Promise(() => {});
    },
  };
  const env = () => ({
    location: { href: 'http://127.0.0.1/admin/orders' },
    BroadcastChannel: FakeChannel,
    Worker: FakeWorker,
    navigator: { locks },
    fetch: async () => { throw new Error('no network in this test'); },
    setTimeout: () => 0,
    clearTimeout: () => {},
  });
  /** The leader's tab closed: the lock passes to the next waiting tab. */
  const handOver = () => { const cb = waiting.shift(); if (cb) cb(); };
  return { env, workers, handOver };
}

function tab(b, name, log) {
  let pos = { cursor: 10, epoch: 'e1' };
  const on = {
    async events(events, p) {
      log.push([name, 'events', events.map((e) => e.id), p.leading]);
      pos = { cursor: p.cursor, epoch: p.epoch };
    },
    async reset(p, { leading }) { log.push([name, 'reset', p.cursor, leading]); },
    status(s) { log.push([name, 'status', s.ok]); },
    unauthorized() { log.push([name, 'unauthorized']); },
  };
  let leader = false;
  const feed = createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/static/js/feed-worker.js?v=1', pollMs: 1000,
    position: () => pos, onLeader: () => { leader = true; }, on, env: b.env(),
  });
  return { feed, isLeader: () => leader };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('the first tab leads from one Worker; the second follows and starts none', () => {
  const b = browser();
  const log = [];
  const one = tab(b, 'one', log);
  const two = tab(b, 'two', log);
  assert.equal(one.isLeader(), true);
  assert.equal(two.isLeader(), false);
  assert.equal(b.workers.length, 1);
  assert.equal(b.workers[0].opts.type, 'module');
  assert.deepEqual(b.workers[0].sent[0], { type: 'start', url: '/admin/api/since', cursor: 10, epoch: 'e1', pollMs: 1000 });
});

test('a batch from the Worker: applied here, acknowledged, relayed to the followers', async () => {
  const b = browser();
  const log = [];
  tab(b, 'one', log);
  tab(b, 'two', log);
  const w = b.workers[0];
  await w.onmessage({ data: { type: 'events', seq: 7, events: [{ id: 11 }, { id: 12 }], cursor: 12, epoch: 'e1' } });
  await tick();
  assert.deepEqual(log, [['one', 'events', [11, 12], true], ['two', 'events', [11, 12], false]]);
  assert.deepEqual(w.sent.at(-1), { type: 'ack', seq: 7 });
  w.onmessage({ data: { type: 'status', ok: false } });
  w.onmessage({ data: { type: 'unauthorized' } });
  assert.deepEqual(log.slice(2), [['one', 'status', false], ['two', 'status', false], ['one', 'unauthorized'], ['two', 'unauthorized']]);
});

test('the leader\'s status reaches the followers with how long its request may be held (long-poll)', () => {
  const b = browser();
  const got = [];
  const mk = (name) => createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: 1, epoch: 'e' }),
    on: { events: async () => {}, reset: async () => {}, status: (s) => got.push([name, s.ok, s.at, s.waitMs]), unauthorized() {} },
    env: b.env(),
  });
  mk('one');
  mk('two');
  b.workers[0].onmessage({ data: { type: 'status', ok: true, at: 1234, waitMs: 25000, polls: 3 } });
  b.workers[0].onmessage({ data: { type: 'status', ok: false, at: 1300, waitMs: 0 } });
  assert.deepEqual(got, [['one', true, 1234, 25000], ['two', true, 1234, 25000], ['one', false, 1300, 0], ['two', false, 1300, 0]]);
});

test('a tab that opens gets the leader\'s last status at once, not at the end of its long-poll', () => {
  const b = browser();
  const log = [];
  tab(b, 'one', log);
  b.workers[0].onmessage({ data: { type: 'status', ok: true, at: 5000, waitMs: 25000 } });
  log.length = 0;
  const got = [];
  createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: 1, epoch: 'e' }),
    on: { events: async () => {}, reset: async () => {}, status: (s) => got.push(s), unauthorized() {} },
    env: b.env(),
  });
  assert.deepEqual(got, [{ type: 'status', ok: true, at: 5000, waitMs: 25000 }]);
  assert.deepEqual(log, [], 'the leader only answers; it shows nothing new itself');
  assert.equal(b.workers.length, 1, 'and no second Worker: the new tab follows');
});

test('a batch the page fails to apply is refused, so the Worker offers it again', async () => {
  const b = browser();
  const feed = createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: 1, epoch: 'e' }),
    on: { events: async () => { throw new Error('boom'); }, reset: async () => {}, status() {}, unauthorized() {} },
    env: b.env(),
  });
  assert.ok(feed.isLeading());
  await b.workers[0].onmessage({ data: { type: 'events', seq: 3, events: [{ id: 2 }], cursor: 2, epoch: 'e' } });
  assert.equal(b.workers[0].sent.at(-1).type, 'nack');
  assert.equal(b.workers[0].sent.at(-1).seq, 3);
});

test('a reset reaches every tab; only the leader\'s failure propagates', async () => {
  const b = browser();
  const log = [];
  tab(b, 'one', log);
  tab(b, 'two', log);
  await b.workers[0].onmessage({ data: { type: 'reset', seq: 1, cursor: 0, epoch: 'e2' } });
  await tick();
  assert.deepEqual(log, [['one', 'reset', 0, true], ['two', 'reset', 0, false]]);
});

test('Refresh in a follower asks the leader to poll; the leader asks its Worker', () => {
  const b = browser();
  const log = [];
  const one = tab(b, 'one', log);
  const two = tab(b, 'two', log);
  two.feed.requestPoll();
  assert.deepEqual(b.workers[0].sent.at(-1), { type: 'poll-now' });
  b.workers[0].sent.length = 0;
  one.feed.requestPoll();
  assert.deepEqual(b.workers[0].sent, [{ type: 'poll-now' }]);
});

test('when the leader leaves, the follower takes over from the position it followed', async () => {
  const b = browser();
  const log = [];
  const one = tab(b, 'one', log);
  const two = tab(b, 'two', log);
  await b.workers[0].onmessage({ data: { type: 'events', seq: 1, events: [{ id: 11 }], cursor: 15, epoch: 'e1' } });
  await tick();
  one.feed.stop();
  b.handOver();
  assert.equal(two.isLeader(), true);
  assert.equal(b.workers.length, 2);
  assert.equal(b.workers[0].terminated, true);
  assert.deepEqual(b.workers[1].sent[0], { type: 'start', url: '/admin/api/since', cursor: 15, epoch: 'e1', pollMs: 1000 });
});

test('a Worker that fails to load: the page polls itself, once', () => {
  const b = browser();
  const env = b.env();
  const timers = [];
  env.setTimeout = (f, ms) => { timers.push(ms); return timers.length; };
  const feed = createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: 1, epoch: 'e' }),
    on: { events: async () => {}, reset: async () => {}, status() {}, unauthorized() {} }, env,
  });
  let prevented = 0;
  b.workers[0].onerror({ preventDefault: () => { prevented++; } });
  b.workers[0].onerror({ preventDefault: () => { prevented++; } });
  assert.equal(b.workers[0].terminated, true);
  assert.equal(prevented, 2);
  assert.deepEqual(timers, [0], 'one page poller, polling at once');
  feed.stop();
});

test('no BroadcastChannel or Web Locks: the tab polls on its own', () => {
  const b = browser();
  const env = { ...b.env(), BroadcastChannel: undefined, navigator: {} };
  let led = false;
  createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: null, epoch: null }),
    onLeader: () => { led = true; },
    on: { events: async () => {}, reset: async () => {}, status() {}, unauthorized() {} }, env,
  });
  assert.equal(led, true);
  assert.equal(b.workers.length, 1);
});

test('ping (the self-test): the leader asks its Worker; a follower asks the leader over the channel', async () => {
  const b = browser();
  const log = [];
  const one = tab(b, 'one', log);
  const two = tab(b, 'two', log);
  const w = b.workers[0];
  const mine = one.feed.ping(1000);
  const ask = w.sent.at(-1);
  assert.equal(ask.type, 'ping');
  w.onmessage({ data: { type: 'pong', nonce: ask.nonce, polling: true } });
  assert.equal(await mine, 'worker');

  const theirs = two.feed.ping(1000);
  await tick();
  const relayed = w.sent.at(-1);
  assert.equal(relayed.type, 'ping', 'the follower\'s ping reaches the leader\'s Worker');
  assert.notEqual(relayed.nonce, ask.nonce);
  w.onmessage({ data: { type: 'pong', nonce: relayed.nonce, polling: true } });
  assert.equal(await theirs, 'worker');

  const stopped = one.feed.ping(1000);
  const again = w.sent.at(-1);
  w.onmessage({ data: { type: 'pong', nonce: again.nonce, polling: false } });
  assert.equal(await stopped, 'none', 'a Worker whose poller stopped is not polling');
});

test('ping: nobody answers within the time given → none', async () => {
  const b = browser();
  const env = b.env();
  const timers = [];
  env.setTimeout = (f, ms) => { timers.push({ f, ms }); return timers.length; };
  const feed = createFeed({
    feedUrl: '/admin/api/since', workerUrl: '/w.js', pollMs: 1000, position: () => ({ cursor: 1, epoch: 'e' }),
    on: { events: async () => {}, reset: async () => {}, status() {}, unauthorized() {} }, env,
  });
  const p = feed.ping(1500);
  const late = timers.find((x) => x.ms === 1500);
  assert.ok(late, 'a timer bounds the wait');
  late.f();
  assert.equal(await p, 'none');
});
