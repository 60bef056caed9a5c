// ledger.test.mjs — which feed events the admin page applies (static/js/ledger.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EventLedger, SEEN_MAX } from '../../static/js/ledger.js';

const ev = (id, type = 'order_created', number = 'CMD-20261130-AAAA0' + (id % 10)) =>
  ({ id, type, order: { number, status: 'pending' } });

test('take: once per id, nothing at or below the rendered cursor, kinds by type', () => {
  const l = new EventLedger({ cursor: 10, epoch: 'e1' });
  const got = l.take([ev(9), ev(10), ev(11), ev(12, 'order_updated'), { id: 13, type: 'stock_low', product: {} }, ev(11), null, { id: 'x' }]);
  assert.deepEqual(got.map((x) => [x.ev.id, x.kind]), [[11, 'created'], [12, 'changed'], [13, 'other']]);
  assert.deepEqual(l.take([ev(11), ev(12)]), [], 'seen ids come once');
});

test('counts: only events newer than the head the filters were counted at', () => {
  const l = new EventLedger({ cursor: 5 });
  assert.equal(l.take([ev(6)])[0].counts, true);
  l.counted(20);
  assert.deepEqual(l.take([ev(19), ev(21)]).map((x) => x.counts), [false, true]);
  l.counted('nope');
  assert.equal(l.countedUpTo, 20);
  assert.equal(new EventLedger().take([ev(1)])[0].counts, true, 'no head known: everything counts');
});

test('firstAlert: an order alerts once whatever path brought it', () => {
  const l = new EventLedger();
  assert.equal(l.firstAlert('CMD-1'), true);
  assert.equal(l.firstAlert('CMD-1'), false);
  assert.equal(l.firstAlert('CMD-2'), true);
});

test('advance moves forward only; reset starts again and forgets the ids', () => {
  const l = new EventLedger({ cursor: 10, epoch: 'e1' });
  l.advance(8, null);
  assert.equal(l.cursor, 10);
  l.advance(12, 'e1');
  assert.equal(l.cursor, 12);
  l.take([ev(13)]);
  l.reset(2, 'e2');
  assert.deepEqual([l.cursor, l.epoch], [2, 'e2']);
  assert.equal(l.take([ev(3), ev(13)]).length, 2, 'after a reset, ids seen before count again');
  l.advance(-1, null);
  assert.equal(l.cursor, 2);
});

test('the seen ids are bounded', () => {
  const l = new EventLedger();
  const many = Array.from({ length: SEEN_MAX + 10 }, (_, i) => ({ id: i + 1, type: 'x' }));
  assert.equal(l.take(many).length, SEEN_MAX + 10);
  assert.equal(l.seen.size, SEEN_MAX);
});
