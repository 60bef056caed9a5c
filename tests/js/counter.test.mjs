// counter.test.mjs — the counter page's pure parts (static/js/counter.js) and the
// words of a counter order's alert (static/js/texts.js, alerts.js) in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { fold, matches, totalOf } from '../../static/js/counter.js';
import { elides, makeT, newOrderKey } from '../../static/js/texts.js';
import { bodyOf } from '../../static/js/alerts.js';

const locale = (l) => JSON.parse(readFileSync(new URL(`../../templates/locales/${l}.json`, import.meta.url)));

test('fold: lower case, accents gone', () => {
  for (const [s, want] of [['Élodie', 'elodie'], ['CAFÉ Crème', 'cafe creme'], ['ÇA', 'ca'], ['', ''], [null, '']])
    assert.equal(fold(s), want, s);
});

test('matches: every word in the name or the SKU, accents and case ignored', () => {
  const cases = [
    ['', 'Espresso beans', 'COF-ESP-250', true],
    ['esp', 'Espresso beans', 'COF-ESP-250', true],
    ['cof-esp', 'Espresso beans', 'COF-ESP-250', true],
    ['creme', 'Crème brûlée', 'DES-1', true],
    ['BRÛLÉE crè', 'Crème brûlée', 'DES-1', true],
    ['mug', 'Espresso beans', 'COF-ESP-250', false],
    ['espresso mug', 'Espresso beans', 'COF-ESP-250', false],
  ];
  for (const [q, name, sku, want] of cases) assert.equal(matches(q, name, sku), want, `${q} in ${name}`);
});

test('totalOf: sums the lines with a positive quantity only', () => {
  assert.deepEqual(totalOf([]), { cents: 0, n: 0 });
  assert.deepEqual(totalOf([{ priceCents: '1290', qty: '2' }, { priceCents: 850, qty: '0' },
    { priceCents: 1600, qty: '' }, { priceCents: 100, qty: '-3' }, { priceCents: 850, qty: 1 }]), { cents: 3430, n: 3 });
});

test('elides: a vowel, y or mute h (accents ignored) takes d\'', () => {
  for (const n of ['Élodie', 'elodie', 'Anne', 'Yves', 'Hélène', 'Ours', 'Ümit']) assert.equal(elides(n), true, n);
  for (const n of ['Léa', 'lea', 'Marc', 'Zoé', '', null]) assert.equal(elides(n), false, String(n));
});

test('newOrderKey: only a counter order with a seller names her', () => {
  assert.deepEqual(newOrderKey({ source: 'web', created_by_name: 'lea' }), { key: 'feed.new_order', seller: '' });
  assert.deepEqual(newOrderKey({ source: 'counter' }), { key: 'feed.new_order', seller: '' });
  assert.deepEqual(newOrderKey({ source: 'counter', created_by_name: 'Léa' }), { key: 'feed.new_order_from', seller: 'Léa' });
  assert.deepEqual(newOrderKey({ source: 'counter', created_by_name: 'Élodie' }), { key: 'feed.new_order_from_vowel', seller: 'Élodie' });
});

test('the alert reads naturally in French and English', () => {
  const fr = makeT(locale('fr'));
  const en = makeT(locale('en'));
  const say = (t, name) => {
    const k = newOrderKey({ source: 'counter', created_by_name: name });
    return t(k.key, { number: 'CMD-1', seller: k.seller, total: '24,50 €' });
  };
  assert.equal(say(fr, 'Léa'), 'Nouvelle commande CMD-1 de Léa — 24,50 €');
  assert.equal(say(fr, 'Élodie'), "Nouvelle commande CMD-1 d'Élodie — 24,50 €");
  assert.equal(say(en, 'Élodie'), 'New order CMD-1 from Élodie — 24,50 €');
  const o = { number: 'CMD-2', source: 'counter', created_by_name: 'elodie', customer_name: '' };
  assert.equal(bodyOf(fr, o, '3,00 €'), "CMD-2 d'elodie — 3,00 €");
  assert.equal(bodyOf(en, { ...o, source: 'web', customer_name: 'Kim' }, '€3.00'), 'CMD-2 from Kim — €3.00');
});
