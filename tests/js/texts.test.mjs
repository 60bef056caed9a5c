// texts.test.mjs — locale lookups, placeholders and formats (static/js/texts.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fill, fillParts, lookup, makeFormats, makeT, parseJSON } from '../../static/js/texts.js';
import { TEXTS } from './fixtures.mjs';

test('lookup and t(): dotted keys, placeholders, the key itself when missing', () => {
  assert.equal(lookup(TEXTS, 'feed.live'), 'Live');
  assert.equal(lookup(TEXTS, 'feed.nope.deeper'), undefined);
  const t = makeT(TEXTS);
  assert.equal(t('feed.updated_ago', { n: 7 }), 'Updated 7 s ago');
  assert.equal(t('status.ready'), 'Ready for pickup');
  assert.equal(t('feed.missing'), 'feed.missing');
  assert.equal(t('workflow'), 'workflow', 'an object is not a text');
  assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}', 'unknown placeholders stay');
});

test('fillParts: the number stays a part of its own, the words around it are whole', () => {
  const parts = fillParts('New order {number} — {total}', { number: 'CMD-20261130-ABC123', total: '€89.99' });
  assert.deepEqual(parts, [
    { text: 'New order ' },
    { name: 'number', value: 'CMD-20261130-ABC123' },
    { text: ' — ' },
    { name: 'total', value: '€89.99' },
  ]);
  assert.deepEqual(fillParts('{x} left {number}', { number: 'N' }), [{ text: '{x} left ' }, { name: 'number', value: 'N' }]);
  assert.equal(parts.map((p) => p.text ?? p.value).join(''), 'New order CMD-20261130-ABC123 — €89.99');
});

test('parseJSON: a fallback for missing or broken attributes', () => {
  assert.deepEqual(parseJSON('{"a":1}'), { a: 1 });
  assert.equal(parseJSON('{a:1}', 'fb'), 'fb');
  assert.equal(parseJSON(undefined, 'fb'), 'fb');
  assert.equal(parseJSON('', null), null);
});

test('formats: prices per language, times today or with the date, in the shop zone', () => {
  const en = makeFormats({ lang: 'en', currency: 'EUR', tz: 'Europe/Paris' });
  const fr = makeFormats({ lang: 'fr', currency: 'EUR', tz: 'Europe/Paris' });
  assert.equal(en.price(8999), '€89.99');
  assert.equal(fr.price(8999).replace(/\s/g, ' '), '89,99 €');
  assert.equal(en.price(100, 'USD'), 'US$1.00');
  assert.equal(makeFormats({ lang: 'en', currency: 'XYZW' }).price(150), '1.50 XYZW', 'a currency Intl refuses');
  const now = new Date('2026-11-30T15:00:00Z');
  assert.equal(en.localTime('2026-11-30T08:05:00Z', now), '09:05', 'today: the time alone, Paris time');
  assert.match(en.localTime('2026-11-21T17:03:04Z', now), /21 Nov 2026.*18:03/);
  assert.match(fr.localTime('2026-11-21T17:03:04Z', now), /21\/11\/2026.*18:03/);
  assert.equal(en.localTime('not a date', now), '');
  assert.equal(en.localTime('', now), '');
  const bad = makeFormats({ lang: 'en', tz: 'Not/AZone' });
  assert.ok(bad.localTime('2026-11-21T17:03:04Z', now), 'an unknown zone falls back to the browser\'s');
});
