// till.test.mjs — the Take payment form's pure parts (static/js/till.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { changeCents, parseMoney } from '../../static/js/till.js';

test('parseMoney reads amounts as the server does (12,90 / 12.90; no sign, no thousands)', () => {
  const cases = [
    ['12', 1200], ['12,9', 1290], ['12.90', 1290], [' 20 ', 2000], ['0,05', 5],
    ['12,345', null], ['1 299,00', null], ['-5', null], ['', null], ['abc', null], ['1e3', null],
  ];
  for (const [text, want] of cases) assert.equal(parseMoney(text), want, text);
});

test('changeCents: tendered − amount; nothing when short or unreadable', () => {
  assert.equal(changeCents('15,80', '20'), 420);
  assert.equal(changeCents('16', '16'), 0);
  assert.equal(changeCents('16', '10'), null);
  assert.equal(changeCents('16', ''), null);
  assert.equal(changeCents('x', '20'), null);
});
