// status-watch.test.mjs — the customer's order page polling (static/js/status-watch.js):
// steady ±15 %, poller.js's backoff on errors, stops on the server's final statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CAP_MS, MIN_DELAY_MS } from '../../static/js/poller.js';
import { StatusWatch, pollBase, steadyDelay } from '../../static/js/status-watch.js';
import { STATUSES_FR } from './fixtures.mjs';

const json = (body, { status = 200, etag = '"e1"' } = {}) => ({
  status, ok: status >= 200 && status < 300,
  headers: { get: (k) => (k === 'ETag' ? etag : null) },
  json: async () => body,
});

/** A watch whose fetch answers from `answers` (a function or a queue); no real timers. */
function watch(answers, extra = {}) {
  const calls = [];
  const changes = [];
  const timers = [];
  const w = new StatusWatch({
    url: '/orders/CMD-1/status?t=x', status: 'pending', statuses: STATUSES_FR, pollMs: 5000,
    fetch: async (u, init) => {
      calls.push({ u, headers: init.headers });
      const a = typeof answers === 'function' ? answers(calls.length) : answers.shift();
      if (a instanceof Error) throw a;
      return a;
    },
    setTimeout: (f, ms) => { timers.push(ms); return timers.length; },
    clearTimeout: () => {},
    random: () => 0.5,
    onChange: (s) => changes.push(s),
    ...extra,
  });
  return { w, calls, changes, timers };
}

test('pollBase and steadyDelay: at least 2 s, ±15 %', () => {
  assert.equal(pollBase(1000), 2000);
  assert.equal(pollBase(undefined), 5000);
  assert.equal(pollBase('7000'), 7000);
  assert.equal(steadyDelay(5000, () => 0), 4250);
  assert.equal(steadyDelay(5000, () => 0.999999), 5750);
});

test('a change is shown once; 304 keeps the ETag; the final status stops the polling', async () => {
  const { w, calls, changes } = watch([
    json({ status: 'pending' }), json(null, { status: 304 }), json({ status: 'ready' }, { etag: '"e2"' }),
    json({ status: 'completed' }, { etag: '"e3"' }),
  ]);
  w.start();
  assert.equal(w.running, true);
  assert.equal(await w.tick(), 5000);
  assert.equal(await w.tick(), 5000);
  assert.equal(calls[1].headers['If-None-Match'], '"e1"');
  assert.equal(await w.tick(), 5000);
  assert.deepEqual(changes, ['ready']);
  assert.equal(await w.tick(), null, 'completed is final: stop');
  assert.deepEqual(changes, ['ready', 'completed']);
  assert.equal(w.running, false);
  assert.equal(await w.tick(), null);
  assert.equal(calls.length, 4);
});

test('finality is the server\'s: a page already final does not poll; a status it does not know keeps it polling', async () => {
  const done = watch([], { status: 'cancelled' });
  done.w.start();
  assert.equal(done.w.running, false);
  assert.equal(done.timers.length, 0);
  const other = watch([json({ status: 'completed' })], { statuses: { completed: { label: 'Done', final: false } } });
  other.w.start();
  assert.equal(await other.w.tick(), 5000, 'the server did not call it final');
  const unknown = watch([json({ status: 'refunded' })]);
  unknown.w.start();
  assert.equal(await unknown.w.tick(), 5000);
  assert.deepEqual(unknown.changes, ['refunded']);
});

test('errors back off with poller.js\'s full-jitter backoff, capped; a success resets it', async () => {
  const fails = [new Error('net'), json(null, { status: 500 }), new Error('net'), new Error('net'), new Error('net'), new Error('net')];
  const { w } = watch([...fails, json({ status: 'pending' }), new Error('net')], { random: () => 0.999999 });
  w.start();
  const delays = [];
  for (let i = 0; i < fails.length; i++) delays.push(await w.tick());
  assert.deepEqual(delays.map((d) => Math.round(d / 1000)), [5, 10, 20, 40, 60, 60]);
  assert.ok(delays.every((d) => d <= CAP_MS));
  assert.equal(await w.tick(), 5750, 'a good answer: the steady pace again');
  assert.equal(Math.round((await w.tick()) / 1000), 5, 'and the backoff starts over');
  const low = watch([new Error('net')], { random: () => 0 });
  low.w.start();
  assert.equal(await low.w.tick(), MIN_DELAY_MS, 'full jitter: as low as the floor');
});

test('404: the order is gone, polling stops; pollNow asks at once', async () => {
  const { w, timers } = watch([json(null, { status: 404 })]);
  w.start();
  w.pollNow();
  assert.equal(timers.at(-1), 0);
  assert.equal(await w.tick(), null);
  assert.equal(w.running, false);
});
