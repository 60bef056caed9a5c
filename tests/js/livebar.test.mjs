// livebar.test.mjs — "Updated N s ago" and the online/offline state (static/js/livebar.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LiveState, agoText } from '../../static/js/livebar.js';
import { makeT } from '../../static/js/texts.js';
import { TEXTS } from './fixtures.mjs';

const t = makeT(TEXTS);

test('agoText: nothing before the first poll, then seconds, then minutes', () => {
  assert.equal(agoText(t, 0, 5000), '');
  assert.equal(agoText(t, 10000, 11999), 'Updated just now');
  assert.equal(agoText(t, 10000, 12000), 'Updated 2 s ago');
  assert.equal(agoText(t, 10000, 69999), 'Updated 59 s ago');
  assert.equal(agoText(t, 10000, 70000), 'Updated 1 min ago');
  assert.equal(agoText(t, 10000, 10000 + 3 * 3600e3), 'Updated 180 min ago');
  assert.equal(agoText(t, 10000, 9000), 'Updated just now', 'a clock step back is not negative');
});

test('LiveState: flips only on a change, remembers the last good poll', () => {
  const s = new LiveState();
  assert.equal(s.update({ ok: true, at: 1000 }, 5), false, 'live from the start: nothing to announce');
  assert.equal(s.lastOk, 1000);
  assert.equal(s.update({ ok: false }, 2000), true);
  assert.equal(s.offline, true);
  assert.equal(s.update({ ok: false }, 3000), false);
  assert.equal(s.lastOk, 1000, 'failures leave the last good time');
  assert.equal(s.update({ ok: true }, 4000), true);
  assert.equal(s.lastOk, 4000, 'no time in the report: now');
});
