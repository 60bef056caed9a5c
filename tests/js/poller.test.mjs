// poller.test.mjs — the change feed's client logic (static/js/poller.js) under Node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { backoffDelay, feedUrl, FeedState, Poller, CAP_MS, MIN_DELAY_MS } from '../../static/js/poller.js';

// ---- backoff ----

test('backoff: full jitter stays within [floor, min(cap, base*2^(n-1))]', () => {
  const base = 5000;
  for (let attempt = 1; attempt <= 12; attempt++) {
    const ceiling = Math.min(CAP_MS, base * 2 ** (attempt - 1));
    const lo = backoffDelay(attempt, base, CAP_MS, () => 0);
    const hi = backoffDelay(attempt, base, CAP_MS, () => 0.999999);
    assert.equal(lo, MIN_DELAY_MS, `attempt ${attempt}: lowest draw is the floor`);
    assert.ok(hi <= ceiling && hi >= ceiling - 1, `attempt ${attempt}: highest draw ${hi} ~ ${ceiling}`);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(attempt, base);
      assert.ok(d >= MIN_DELAY_MS && d <= ceiling, `attempt ${attempt}: ${d} within bounds`);
    }
  }
});

test('backoff: capped at 60 s however many failures', () => {
  for (const attempt of [5, 6, 10, 50, 1000, Infinity]) {
    assert.ok(backoffDelay(attempt, 5000, CAP_MS, () => 0.999999) <= 60000);
  }
  assert.equal(Math.min(CAP_MS, 5000 * 2 ** 4), 60000, 'the fifth retry already reaches the cap');
});

test('backoff: grows exponentially until the cap, and is random (full jitter)', () => {
  const tops = [1, 2, 3, 4].map((n) => backoffDelay(n, 1000, CAP_MS, () => 0.999999));
  assert.deepEqual(tops.map((t) => Math.round(t / 1000)), [1, 2, 4, 8]);
  const draws = new Set();
  for (let i = 0; i < 50; i++) draws.add(backoffDelay(3, 5000));
  assert.ok(draws.size > 10, 'delays are spread, not fixed');
});

test('backoff: a tiny base never yields a negative or NaN delay', () => {
  assert.equal(backoffDelay(1, 100, CAP_MS, () => 0), 100 * 0 + Math.min(MIN_DELAY_MS, 100));
  assert.ok(backoffDelay(0, 0, CAP_MS, () => 0.5) === 0);
});

// ---- URL ----

test('feedUrl: cursor and epoch in the query, none for the head', () => {
  assert.equal(feedUrl('/admin/api/since', 42, 'abc'), '/admin/api/since?cursor=42&epoch=abc');
  assert.equal(feedUrl('/shop/admin/api/since', 0, null), '/shop/admin/api/since?cursor=0');
  assert.equal(feedUrl('/admin/api/since', null, null), '/admin/api/since');
  assert.equal(feedUrl('/admin/api/since', -1, 'e'), '/admin/api/since?epoch=e');
});

// ---- state: dedup and cursor ----

const ev = (id, type = 'order_created', number = 'CMD-20261121-AAAAA' + (id % 10)) =>
  ({ id, type, at: '2026-11-21T17:03:04Z', order: { number, status: 'pending', total_cents: 8999, currency: 'EUR' } });

test('state: new events only, oldest first; the cursor moves on commit, not on plan', () => {
  const s = new FeedState({ epoch: 'e1', cursor: 10 });
  const plan = s.plan({ epoch: 'e1', cursor: 13, events: [ev(13), ev(11), ev(12)], more: false, poll_ms: 5000 });
  assert.equal(plan.kind, 'events');
  assert.deepEqual(plan.events.map((e) => e.id), [11, 12, 13]);
  assert.equal(s.cursor, 10, 'plan() does not move the cursor');
  s.commit(plan, '"e1-all-13"');
  assert.equal(s.cursor, 13);
  assert.equal(s.etag, '"e1-all-13"');
});

test('state: dedup by event id — an event seen before is never returned again', () => {
  const s = new FeedState({ epoch: 'e1', cursor: 0 });
  s.commit(s.plan({ epoch: 'e1', cursor: 2, events: [ev(1), ev(2)], more: false }));
  const again = s.plan({ epoch: 'e1', cursor: 3, events: [ev(1), ev(2), ev(3)], more: false });
  assert.deepEqual(again.events.map((e) => e.id), [3]);
  const dup = s.plan({ epoch: 'e1', cursor: 3, events: [ev(3), ev(3)], more: false });
  s.commit(again);
  assert.deepEqual(s.plan({ epoch: 'e1', cursor: 3, events: [ev(3)] }).events, []);
  assert.equal(dup.events.length, 2, 'plan itself does not dedupe within one answer');
});

test('state: the cursor never goes backwards except on reset', () => {
  const s = new FeedState({ epoch: 'e1', cursor: 50 });
  s.commit(s.plan({ epoch: 'e1', cursor: 40, events: [], more: false }));
  assert.equal(s.cursor, 50);
  const r = s.plan({ reset: true, epoch: 'e2', cursor: 7 });
  assert.equal(r.kind, 'reset');
  s.commit(r);
  assert.equal(s.cursor, 7);
  assert.equal(s.epoch, 'e2');
  assert.equal(s.etag, null);
});

test('state: another epoch in a normal answer is a reset too', () => {
  const s = new FeedState({ epoch: 'old', cursor: 5 });
  assert.equal(s.plan({ epoch: 'new', cursor: 9, events: [ev(6)], more: false }).kind, 'reset');
});

test('state: garbage answers are refused, not applied', () => {
  const s = new FeedState({ epoch: 'e', cursor: 1 });
  assert.throws(() => s.plan(null));
  assert.throws(() => s.plan({ epoch: 'e', cursor: 'x', events: [] }));
  assert.throws(() => s.plan({ epoch: 'e', cursor: -3, events: [] }));
  assert.equal(s.cursor, 1);
});

test('state: the seen set is bounded', () => {
  const s = new FeedState({ cursor: 0 });
  for (let i = 1; i <= 2500; i++) s.remember(i);
  assert.ok(s.seen.size <= 2000);
  assert.ok(s.seen.has(2500) && !s.seen.has(1));
});

// ---- the loop, with a fake fetch and fake timers ----

function response(status, body, etag) {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: (n) => (n.toLowerCase() === 'etag' ? etag || null : null) },
    json: async () => body,
  };
}

function harness(answers, extra = {}) {
  const calls = [];
  const log = { events: [], resets: [], statuses: [], unauthorized: 0 };
  const p = new Poller({
    url: '/admin/api/since',
    epoch: 'e1',
    cursor: 0,
    pollMs: 5000,
    fetch: async (url, init) => {
      calls.push({ url, headers: { ...init.headers } });
      const a = answers.shift();
      if (a instanceof Error) throw a;
      return a;
    },
    setTimeout: () => 1,
    clearTimeout: () => {},
    now: () => 1000,
    random: () => 0.5,
    onEvents: async (events, plan) => { log.events.push({ ids: events.map((e) => e.id), cursor: plan.cursor }); },
    onReset: async (plan) => { log.resets.push(plan.cursor); },
    onStatus: (s) => log.statuses.push(s),
    onUnauthorized: () => { log.unauthorized++; },
    ...extra,
  });
  p.start();
  return { p, calls, log };
}

test('poller: events are applied, then the cursor advances and the ETag is sent back', async () => {
  const { p, calls, log } = harness([
    response(200, { epoch: 'e1', cursor: 2, events: [ev(1), ev(2)], more: false, poll_ms: 5000 }, '"e1-all-2"'),
    response(304, null),
  ]);
  assert.equal(await p.tick(), 5000);
  assert.deepEqual(log.events, [{ ids: [1, 2], cursor: 2 }]);
  assert.equal(p.state.cursor, 2);
  assert.equal(await p.tick(), 5000, '304: next poll after poll_ms');
  assert.equal(calls[0].url, '/admin/api/since?cursor=0&epoch=e1');
  assert.equal(calls[1].url, '/admin/api/since?cursor=2&epoch=e1');
  assert.equal(calls[1].headers['If-None-Match'], '"e1-all-2"');
  assert.equal(log.events.length, 1, 'a 304 applies nothing');
  assert.equal(log.statuses.at(-1).polls, 2);
});

test('poller: the cursor does not move when applying fails, and nothing is shown twice', async () => {
  let fail = true;
  const seen = [];
  const batch = () => response(200, { epoch: 'e1', cursor: 3, events: [ev(1), ev(2), ev(3)], more: false });
  const { p, log } = harness([batch(), batch(), batch()], {
    onEvents: async (events) => {
      if (fail) throw new Error('DOM exploded');
      seen.push(...events.map((e) => e.id));
    },
  });
  const d = await p.tick();
  assert.equal(p.state.cursor, 0, 'still before the events');
  assert.ok(d >= MIN_DELAY_MS && d <= 5000, 'backs off after the failure');
  assert.equal(log.statuses.at(-1).offline, true);
  fail = false;
  await p.tick();
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(p.state.cursor, 3);
  await p.tick();
  assert.deepEqual(seen, [1, 2, 3], 'the same answer again shows nothing new');
});

test('poller: more=true drains at once', async () => {
  const hundred = Array.from({ length: 100 }, (_, i) => ev(i + 1));
  const { p, log } = harness([
    response(200, { epoch: 'e1', cursor: 100, events: hundred, more: true }),
    response(200, { epoch: 'e1', cursor: 150, events: Array.from({ length: 50 }, (_, i) => ev(i + 101)), more: false }),
  ]);
  assert.equal(await p.tick(), 0);
  assert.equal(await p.tick(), 5000);
  assert.deepEqual(log.events.map((b) => b.ids.length), [100, 50]);
  assert.equal(p.state.cursor, 150);
});

test('poller: reset reloads, takes the new cursor and epoch, forgets the ETag', async () => {
  const { p, calls, log } = harness([
    response(200, { epoch: 'e1', cursor: 4, events: [ev(4)], more: false }, '"e1-all-4"'),
    response(200, { reset: true, epoch: 'e2', cursor: 9 }),
    response(304, null),
  ]);
  await p.tick();
  await p.tick();
  assert.deepEqual(log.resets, [9]);
  assert.equal(p.state.cursor, 9);
  assert.equal(p.state.epoch, 'e2');
  await p.tick();
  assert.equal(calls[2].url, '/admin/api/since?cursor=9&epoch=e2');
  assert.equal(calls[2].headers['If-None-Match'], undefined);
});

test('poller: errors back off with growing, capped delays; a good poll clears the offline state', async () => {
  const answers = [new Error('network'), response(503, {}), response(500, {}), new Error('x'), new Error('y'),
    new Error('z'), response(304, null)];
  const { p, log } = harness(answers, { random: () => 0.999999 });
  const delays = [];
  for (let i = 0; i < 6; i++) delays.push(await p.tick());
  assert.deepEqual(delays.map((d) => Math.round(d / 1000)), [5, 10, 20, 40, 60, 60]);
  assert.ok(log.statuses.slice(0, 6).every((s) => s.offline === true));
  assert.equal(await p.tick(), 5000);
  assert.equal(log.statuses.at(-1).offline, false);
  assert.equal(p.attempt, 0);
});

test('poller: 401 stops polling and says so', async () => {
  const { p, log } = harness([response(401, { error: 'unauthorized' })]);
  assert.equal(await p.tick(), null);
  assert.equal(log.unauthorized, 1);
  assert.equal(p.running, false);
});

test('poller: 400 (a cursor the server cannot read) restarts from the head with a reload', async () => {
  const { p, calls, log } = harness([response(400, {}), response(200, { epoch: 'e1', cursor: 12, events: [], more: false })]);
  await p.tick();
  assert.deepEqual(log.resets.length, 1);
  await p.tick();
  assert.equal(calls[1].url, '/admin/api/since', 'asks for the head');
  assert.equal(p.state.cursor, 12);
});

test('poller: pollNow during a poll runs another one right after it', async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const { p } = harness([], {
    fetch: async () => { await gate; return response(304, null); },
  });
  const running = p.tick();
  p.pollNow();
  release();
  assert.equal(await running, 0, 'the next poll is scheduled at once');
});

test('poller: poll_ms from the server replaces the configured interval', async () => {
  const { p } = harness([response(200, { epoch: 'e1', cursor: 0, events: [], more: false, poll_ms: 2000 })]);
  assert.equal(await p.tick(), 2000);
});
