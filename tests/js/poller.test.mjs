// poller.test.mjs — the change feed's client logic (static/js/poller.js) under Node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  backoffDelay, feedUrl, FeedState, Poller, CAP_MS, MIN_DELAY_MS, LONG_POLL_S, MIN_GAP_MS, FETCH_MARGIN_MS,
  longPollWait, retryAfterMs,
} from '../../static/js/poller.js';

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

// ---- long-poll (wait_max > 0) ----

/**
 * A feed with a clock: each answer is [ms the server holds the request, response
 * or Error]; the fake fetch moves the clock by that much and honours the
 * request's AbortSignal (an aborted request rejects at once, as fetch does).
 * Timers are recorded, not run: tests fire them by hand.
 */
function clocked(answers, extra = {}) {
  const clock = { t: 100000 };
  const timers = [];
  const h = harness([], {
    now: () => clock.t,
    setTimeout: (f, ms) => { timers.push({ f, ms }); return timers.length; },
    clearTimeout: (id) => { if (timers[id - 1]) timers[id - 1].cleared = true; },
    fetch: (url, init) => {
      h.calls.push({ url, headers: { ...init.headers }, signal: init.signal, at: clock.t });
      const [heldMs, a] = answers.shift();
      return new Promise((resolve, reject) => {
        const abort = () => reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
        if (init.signal && init.signal.aborted) return abort();
        if (init.signal) init.signal.addEventListener('abort', abort);
        if (a === 'hang') return; // answers only by being aborted
        clock.t += heldMs;
        if (a instanceof Error) reject(a);
        else resolve(a);
      });
    },
    ...extra,
  });
  return { ...h, clock, timers };
}

const page = (cursor, events, more = false, extra = {}) =>
  ({ epoch: 'e1', cursor, events, more, poll_ms: 5000, ...extra });
const LP = { wait_max: 25 };

test('feedUrl: wait= only when there is something to wait for', () => {
  assert.equal(feedUrl('/admin/api/since', 7, 'e', 25), '/admin/api/since?cursor=7&epoch=e&wait=25');
  assert.equal(feedUrl('/admin/api/since', 7, 'e', 0), '/admin/api/since?cursor=7&epoch=e');
  assert.equal(feedUrl('/admin/api/since', 7, 'e'), '/admin/api/since?cursor=7&epoch=e');
});

test('longPollWait: min(wait_max, 25); 0 when absent, 0 or not a whole number', () => {
  assert.equal(LONG_POLL_S, 25);
  assert.equal(longPollWait(25), 25);
  assert.equal(longPollWait(300), 25);
  assert.equal(longPollWait(10), 10);
  for (const v of [0, undefined, null, -5, 2.5, '25', NaN, Infinity]) assert.equal(longPollWait(v), 0, String(v));
});

test('long-poll: wait_max > 0 — the next request leaves at once, asks wait=25 with cursor, epoch and ETag', async () => {
  const { p, calls, log } = clocked([
    [5, response(200, page(3, [ev(3)], false, { wait_max: 60 }), '"e1-all-3"')],
    [25000, response(304, null)], // held the whole wait, nothing happened
    [1800, response(200, page(4, [ev(4)], false, LP), '"e1-all-4"')], // an order 1.8 s into the wait
    [12, response(200, page(5, [ev(5)], false, LP), '"e1-all-5"')], // another one already there
  ]);
  assert.equal(await p.tick(), 0, 'wait_max seen: no interval sleep');
  assert.equal(calls[0].url, '/admin/api/since?cursor=0&epoch=e1', 'the first request knows no wait_max yet');
  assert.equal(log.statuses.at(-1).waitMs, 25000, 'the status says the next request may be held 25 s');
  assert.equal(await p.tick(), 0, 'a 304 after the held wait: the next request at once');
  assert.equal(calls[1].url, '/admin/api/since?cursor=3&epoch=e1&wait=25', 'wait=min(wait_max, 25)');
  assert.equal(calls[1].headers['If-None-Match'], '"e1-all-3"');
  assert.equal(log.statuses.at(-1).ok, true);
  assert.equal(log.statuses.at(-1).at, calls[1].at + 25000, 'the 304 counts as an update, when it arrives');
  assert.equal(await p.tick(), 0);
  assert.equal(calls[2].url, '/admin/api/since?cursor=3&epoch=e1&wait=25');
  assert.equal(await p.tick(), 0, 'events that were there at once: the next request at once too');
  assert.equal(calls[3].url, '/admin/api/since?cursor=4&epoch=e1&wait=25');
  assert.equal(calls[3].headers['If-None-Match'], '"e1-all-4"');
  assert.deepEqual(log.events.map((b) => b.ids), [[3], [4], [5]]);
  assert.equal(p.state.cursor, 5);
  assert.equal(log.statuses.at(-1).polls, 4);
});

test('long-poll: the server\'s smaller wait_max is what we ask for', async () => {
  const { p, calls } = clocked([
    [5, response(200, page(0, [], false, { wait_max: 10 }))],
    [10000, response(200, page(0, [], false, { wait_max: 10 }))],
  ]);
  await p.tick();
  assert.equal(await p.tick(), 0);
  assert.match(calls[1].url, /&wait=10$/);
});

test('long-poll: wait_max 0 or absent — interval polling, no wait= sent', async () => {
  const { p, calls, log } = clocked([
    [5, response(200, page(0, [], false, LP), '"a"')],
    [25000, response(200, page(0, [], false, { wait_max: 0 }), '"a"')], // the deployment turned it off
    [5, response(304, null)],
    [5, response(200, page(0, [], false), '"a"')],
    [5, response(200, page(0, [], false), '"a"')],
  ]);
  assert.equal(await p.tick(), 0);
  assert.equal(await p.tick(), 5000, 'wait_max 0: back to poll_ms');
  assert.equal(log.statuses.at(-1).waitMs, 0);
  assert.equal(await p.tick(), 5000, 'a 304 keeps the last 200\'s rhythm');
  assert.equal(await p.tick(), 5000, 'no wait_max at all: poll_ms');
  assert.equal(await p.tick(), 5000);
  assert.match(calls[1].url, /&wait=25$/);
  for (const c of calls.slice(2)) assert.doesNotMatch(c.url, /wait=/);
});

test('long-poll: errors back off with jitter (Retry-After respected), the retry answers at once, then the long-poll resumes', async () => {
  const { p, calls, log } = clocked([
    [5, response(200, page(2, [], false, LP), '"h2"')],
    [300, new TypeError('Failed to fetch')], // the server went away mid-wait
    [5, response(503, {}, null)],
    [5, Object.assign(response(503, {}), { headers: { get: (n) => (n.toLowerCase() === 'retry-after' ? '9' : null) } })],
    [5, response(304, null)], // back: the retry is answered at once
    [25000, response(304, null)],
  ], { random: () => 0 });
  await p.tick();
  const delays = [await p.tick(), await p.tick(), await p.tick()];
  assert.deepEqual(delays, [MIN_DELAY_MS, MIN_DELAY_MS, 9000], 'the lowest jitter draws; a Retry-After of 9 s is a floor');
  assert.ok(log.statuses.slice(1, 4).every((s) => s.offline && s.waitMs === 0));
  for (const c of calls.slice(2, 5)) assert.doesNotMatch(c.url, /wait=/, 'a retry must not be held: it says at once whether the server is back');
  assert.equal(await p.tick(), 0, 'the first good answer resumes the long-poll at once');
  assert.equal(log.statuses.at(-1).offline, false);
  assert.equal(p.attempt, 0);
  assert.equal(await p.tick(), 0);
  assert.match(calls[5].url, /cursor=2&epoch=e1&wait=25$/);
  assert.equal(calls[5].headers['If-None-Match'], '"h2"');
});

test('long-poll: Retry-After beyond the backoff is waited out (capped at a minute)', async () => {
  const ra = (v) => Object.assign(response(503, {}), { headers: { get: (n) => (n.toLowerCase() === 'retry-after' ? v : null) } });
  const { p } = clocked([[5, ra('30')], [5, ra('600')]], { random: () => 0 });
  assert.equal(await p.tick(), 30000);
  assert.equal(await p.tick(), CAP_MS);
  assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10000);
  assert.equal(retryAfterMs('soon'), null);
  assert.equal(retryAfterMs(null), null);
});

test('long-poll: no spin — empty answers that come back at once keep at least 1 s between requests, growing up to poll_ms', async () => {
  const quick = () => [40, response(304, null)];
  const { p, calls, clock } = clocked([
    [5, response(200, page(0, [], false, LP), '"h"')],
    quick(), quick(), quick(), quick(), quick(), quick(),
    [200, response(200, page(0, [], false, LP), '"h"')], // a 200 with nothing, at once: just as empty
    [25000, response(304, null)], // a real hold: the gap is forgotten
    quick(),
  ]);
  await p.tick();
  const delays = [];
  for (let i = 0; i < 9; i++) {
    const d = await p.tick();
    delays.push(d);
    clock.t += d; // the loop sleeps d before the next request
  }
  assert.deepEqual(delays, [960, 1960, 3960, 4960, 4960, 4960, 4800, 0, 960]);
  for (let i = 1; i < 7; i++) assert.match(calls[i].url, /wait=25/, 'still long-polling, only slower');
  // Whatever the answers, two requests that returned nothing start at least MIN_GAP_MS apart.
  for (let i = 2; i < calls.length; i++) {
    assert.ok(calls[i].at - calls[i - 1].at >= MIN_GAP_MS, `request ${i} left ${calls[i].at - calls[i - 1].at} ms after the previous one`);
  }
});

test('long-poll: a request is abandoned only well after the wait it asked for, then retried with backoff', async () => {
  const { p, calls, timers, log } = clocked([
    [5, response(200, page(0, [], false, LP))],
    [0, 'hang'], // a proxy that swallows the answer
    [5, response(304, null)],
  ]);
  await p.tick();
  const running = p.tick();
  await new Promise((r) => setImmediate(r));
  assert.match(calls[1].url, /wait=25/);
  const abort = timers.filter((t) => !t.cleared).at(-1);
  assert.equal(abort.ms, 25000 + FETCH_MARGIN_MS, 'the abort timer covers the wait and a margin');
  assert.ok(FETCH_MARGIN_MS >= 5000, 'a margin of seconds, not milliseconds');
  abort.f();
  const d = await running;
  assert.ok(d >= MIN_DELAY_MS && d <= 5000, `backs off (${d} ms)`);
  assert.equal(log.statuses.at(-1).offline, true);
  assert.match(log.statuses.at(-1).error, /no answer within 40 s/);
  assert.equal(await p.tick(), 0);
  assert.doesNotMatch(calls[2].url, /wait=/);
  assert.ok(timers.every((t, i) => t.cleared || i === timers.indexOf(abort) || t.ms !== 25000 + FETCH_MARGIN_MS),
    'answered requests clear their abort timer');
});

test('long-poll: pollNow (Refresh, tab shown again) cuts a held request short for one answered at once', async () => {
  const { p, calls, log } = clocked([
    [5, response(200, page(0, [], false, LP))],
    [0, 'hang'],
    [5, response(304, null)],
    [25000, response(304, null)],
  ]);
  await p.tick();
  const running = p.tick();
  await new Promise((r) => setImmediate(r));
  p.pollNow();
  assert.equal(await running, 0, 'the next request at once');
  assert.equal(log.statuses.at(-1).ok, true, 'a cut request is no failure: nothing reported offline');
  assert.equal(p.attempt, 0);
  assert.equal(await p.tick(), 0);
  assert.doesNotMatch(calls[2].url, /wait=/, 'the request after the cut is answered at once');
  assert.equal(await p.tick(), 0);
  assert.match(calls[3].url, /wait=25/, 'then the long-poll goes on');
});

test('long-poll: stop() abandons the held request', async () => {
  const { p, calls } = clocked([[5, response(200, page(0, [], false, LP))], [0, 'hang']]);
  await p.tick();
  const running = p.tick();
  await new Promise((r) => setImmediate(r));
  p.stop();
  assert.equal(calls[1].signal.aborted, true);
  await running;
  assert.equal(p.running, false);
  assert.equal(calls.length, 2);
});
