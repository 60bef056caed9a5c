// selftest.test.mjs — the alert self-test's checks and round trip (static/js/selftest.js),
// with the words of the real locale files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { RoundTrip, STALE_POLLS, TRIP_POLLS, bannerKey, checklist, selfTestKeys, tripLine } from '../../static/js/selftest.js';
import { lookup, makeT } from '../../static/js/texts.js';

const locale = (lang) => JSON.parse(readFileSync(new URL(`../../templates/locales/${lang}.json`, import.meta.url), 'utf8'));
const EN = locale('en');
const FR = locale('fr');

const ready = { supported: true, on: true, running: true, played: false };
const base = { sound: ready, permission: 'granted', leading: true, lastPollAt: 10000, pollMs: 5000, worker: 'worker', now: 12000 };
const byKey = (list) => Object.fromEntries(list.map((c) => [c.key, c]));

test('every word the self-test shows is in English and in French', () => {
  for (const key of selfTestKeys) {
    assert.equal(typeof lookup(EN, key), 'string', `en ${key}`);
    assert.equal(typeof lookup(FR, key), 'string', `fr ${key}`);
    assert.notEqual(lookup(FR, key), lookup(EN, key), `fr ${key} is translated`);
  }
});

test('checklist: all well → four ticks, in order', () => {
  const list = checklist(base);
  assert.deepEqual(list.map((c) => c.key), ['sound', 'notify', 'leader', 'worker']);
  assert.ok(list.every((c) => c.ok === true));
  const t = makeT(EN);
  assert.equal(t(list[2].text, list[2].vars), 'Checking for orders: this tab, 2 s ago');
  const fresh = byKey(checklist({ ...base, now: 11999 })).leader;
  assert.equal(t(fresh.text, fresh.vars), 'Checking for orders: this tab, just now', 'not "0 s ago"');
});

test('checklist: the sound — unsupported, switched off, locked until a gesture, or played once', () => {
  assert.equal(byKey(checklist({ ...base, sound: { supported: false } })).sound.text, 'selftest.sound_none');
  assert.equal(byKey(checklist({ ...base, sound: { ...ready, on: false } })).sound.text, 'selftest.sound_off');
  const locked = byKey(checklist({ ...base, sound: { ...ready, running: false } })).sound;
  assert.equal(locked.ok, false);
  assert.equal(locked.text, 'selftest.sound_locked');
  assert.equal(byKey(checklist({ ...base, sound: { ...ready, running: false, played: true } })).sound.ok, true);
  assert.equal(byKey(checklist({ ...base, sound: null })).sound.text, 'selftest.sound_none');
});

test('checklist: notification permission, with the fix for each case', () => {
  const of = (permission) => byKey(checklist({ ...base, permission })).notify;
  assert.equal(of('granted').ok, true);
  assert.equal(of('denied').text, 'selftest.notify_denied');
  assert.match(makeT(EN)(of('denied').text), /allow notifications for this site in your browser's settings/);
  assert.equal(of('default').action, 'ask', 'not asked yet: a button to ask');
  assert.equal(of('denied').action, undefined, 'blocked: only the browser can undo it');
  assert.equal(of('unsupported').text, 'selftest.notify_none');
});

test('checklist: a tab polled within two intervals, this one or another', () => {
  const of = (o) => byKey(checklist({ ...base, ...o })).leader;
  assert.equal(of({ leading: false }).text, 'selftest.leader_other');
  assert.equal(of({ leading: false, now: 10500 }).text, 'selftest.leader_other_now');
  assert.equal(of({ leading: false }).ok, true);
  assert.equal(of({ now: 10000 + STALE_POLLS * 5000 }).ok, true, 'exactly two intervals is still fine');
  const stale = of({ now: 10000 + STALE_POLLS * 5000 + 1 });
  assert.equal(stale.ok, false);
  assert.equal(stale.text, 'selftest.leader_stale');
  assert.deepEqual(stale.vars, { n: 10 });
  assert.equal(of({ lastPollAt: 0 }).text, 'selftest.leader_none');
  assert.equal(of({ now: 9000 }).vars.n, 0, 'a clock step back is not negative');
});

test('checklist: a long-poll held by the server is not a silent tab — the wait is added to the two intervals', () => {
  const of = (o) => byKey(checklist({ ...base, ...o })).leader;
  const held = 10000 + STALE_POLLS * 5000 + 20000; // 20 s into a 25 s wait
  assert.equal(of({ now: held }).ok, false, 'polling on a timer, this would be stale');
  assert.equal(of({ now: held, waitMs: 25000 }).ok, true);
  assert.equal(of({ now: held, waitMs: 25000 }).text, 'selftest.leader_self');
  assert.equal(of({ now: 10000 + STALE_POLLS * 5000 + 25001, waitMs: 25000 }).text, 'selftest.leader_stale', 'past the wait too: stale');
  assert.equal(of({ now: held, waitMs: -5 }).ok, false, 'a nonsense wait changes nothing');
});

test('checklist: the Worker answered, polls from the page, is silent, or is being asked', () => {
  const of = (worker) => byKey(checklist({ ...base, worker })).worker;
  assert.equal(of('worker').ok, true);
  assert.equal(of('page').ok, false);
  assert.equal(of('page').text, 'selftest.worker_page');
  assert.equal(of('none').text, 'selftest.worker_dead');
  assert.equal(of(undefined).ok, null);
  assert.equal(of(undefined).pending, true);
});

test('RoundTrip: back in time, late, failed, or back before the POST answered', () => {
  const limit = TRIP_POLLS * 1000;
  const r = new RoundTrip(limit);
  assert.equal(r.state(0), null, 'nothing before a test');
  r.received(7, 50);
  assert.equal(r.state(60), null, 'another sender\'s test before ours is ignored');
  r.start(1000);
  assert.deepEqual(r.state(1100), { state: 'wait' });
  r.sent(8);
  r.received(7, 1500);
  assert.deepEqual(r.state(1600), { state: 'wait' }, 'another event is not ours');
  r.received(8, 2200);
  assert.deepEqual(r.state(2300), { state: 'ok', ms: 1200 });
  r.received(8, 2900);
  assert.deepEqual(r.state(9000), { state: 'ok', ms: 1200 }, 'the first arrival counts, once');

  r.start(10000);
  r.sent(9);
  assert.deepEqual(r.state(10000 + limit), { state: 'wait' });
  assert.deepEqual(r.state(10000 + limit + 1), { state: 'late', ms: limit });
  r.received(9, 14000);
  assert.equal(r.state(14000).state, 'late', 'arriving after the limit is still late');

  r.start(20000);
  r.received(11, 20100);
  r.sent(11);
  assert.deepEqual(r.state(20200), { state: 'ok', ms: 100 }, 'the feed was faster than the POST');

  r.start(30000);
  r.fail();
  assert.deepEqual(r.state(30001), { state: 'failed' });
  r.sent(12);
  assert.deepEqual(r.state(30002), { state: 'failed' });
});

test('tripLine: seconds with one decimal in the page\'s language', () => {
  const en = makeT(EN);
  const fr = makeT(FR);
  const ok = tripLine({ state: 'ok', ms: 1234 }, 'en');
  assert.equal(en(ok.text, ok.vars), 'Test alert received through the feed in 1.2 s');
  const okFr = tripLine({ state: 'ok', ms: 1234 }, 'fr');
  assert.equal(fr(okFr.text, okFr.vars), 'Alerte de test reçue par le flux en 1,2 s');
  assert.equal(tripLine({ state: 'late', ms: 15000 }, 'en').vars.s, '15.0');
  assert.equal(tripLine({ state: 'wait' }, 'en').ok, null);
  assert.equal(tripLine({ state: 'failed' }, 'en').ok, false);
  assert.equal(tripLine(null, 'en'), null);
});

test('bannerKey: a test, by whom, with French elision', () => {
  const fr = makeT(FR);
  const en = makeT(EN);
  assert.deepEqual(bannerKey(''), { key: 'selftest.banner', vars: {} });
  assert.equal(en(bannerKey(undefined).key), 'Test alert — this is how a new order will reach you');
  const lea = bannerKey('lea');
  assert.equal(fr(lea.key, lea.vars), 'Alerte de test de lea — c’est ainsi qu’une nouvelle commande vous parviendra');
  const elo = bannerKey('Élodie');
  assert.equal(fr(elo.key, elo.vars), 'Alerte de test d’Élodie — c’est ainsi qu’une nouvelle commande vous parviendra');
  assert.doesNotMatch(en(lea.key, lea.vars), /new order CMD/i, 'never reads as a new order');
});
