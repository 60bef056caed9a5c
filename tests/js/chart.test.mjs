// chart.test.mjs — the dashboard's chart geometry and figures (static/js/chart.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BAR_MIN, CHART_HEIGHT, CHART_TOP, chartGeometry, statLists, statValues } from '../../static/js/chart.js';
import { makeT } from '../../static/js/texts.js';
import { TEXTS } from './fixtures.mjs';

const hours = (counts) => counts.map((count, i) => ({ label: String(i).padStart(2, '0') + 'h', count }));

test('chartGeometry: the tallest bar fills the chart, thin ones stay visible, empty ones are flat', () => {
  const g = chartGeometry(hours([0, 1, 100, 50]), 'orders');
  assert.equal(g.max, 100);
  assert.deepEqual(g.bars.map((b) => b.height), [0, BAR_MIN, CHART_HEIGHT, 60]);
  assert.deepEqual(g.bars.map((b) => b.y), g.bars.map((b) => CHART_TOP + CHART_HEIGHT - b.height));
  assert.deepEqual(g.bars.map((b) => b.x), [3, 23, 43, 63]);
  assert.deepEqual(g.bars.map((b) => b.current), [false, false, false, true]);
  assert.equal(g.bars[2].title, '02h — 100 orders');
});

test('chartGeometry: a label every fourth hour counted back from now; nothing for no data', () => {
  const g = chartGeometry(hours(Array(12).fill(0)));
  assert.deepEqual(g.labels.map((l) => l.text), ['03h', '07h', '11h']);
  assert.deepEqual(g.labels.map((l) => l.x), [70, 150, 230]);
  assert.equal(g.max, 0);
  assert.ok(g.bars.every((b) => b.height === 0));
  assert.deepEqual(chartGeometry(null), { max: 0, bars: [], labels: [] });
});

test('statValues: the dashboard figures as text', () => {
  const t = makeT(TEXTS);
  const v = Object.fromEntries(statValues({
    today: { orders: 7, takings_cents: 12345, revenue_cents: 12345, cancelled: 1 }, currency: 'EUR',
    week: { takings_cents: 50000 }, left_to_collect_cents: 2500, pending: 2, processing: 3,
    admins_polling: 1, polls_per_minute: 12, polls_per_minute_source: 'measured', poll_ms: 5000,
  }, t, (c) => `€${(c / 100).toFixed(2)}`));
  assert.deepEqual(v, {
    orders_today: '7', takings: '€123.45', revenue: '€123.45', left_to_collect: '€25.00',
    week_takings: '€500.00', cancelled_text: '1 cancelled today', pending: '2', processing: '3',
    processing_text: '3 being prepared', admins_polling: '1', polls_per_minute: '12.0',
    rate_note: 'measured', poll_ms: '5000',
  });
  const w = Object.fromEntries(statValues({ today: { revenue: '€1.00' }, polls_per_minute: 0.5 }, t, () => 'x'));
  assert.equal(w.revenue, '€1.00', 'the server\'s formatted revenue wins');
  assert.equal(w.takings, '€1.00', 'an answer with revenue only still fills the takings');
  assert.equal(w.rate_note, 'nominal');
  assert.equal('pending' in w, false, 'a figure the answer lacks is left as it is');
  assert.equal('left_to_collect' in w, false, 'no cents, no text: left as it is');
  assert.equal('processing_text' in w, false);
  const z = Object.fromEntries(statValues({ today: { takings: '-€3.00', takings_cents: -300 },
    left_to_collect: '€0.00', left_to_collect_cents: 0 }, t, () => 'x'));
  assert.equal(z.takings, '-€3.00', 'a day of refunds shows as negative takings');
  assert.equal(z.left_to_collect, '€0.00', 'nothing to collect is still a figure');
});

test('statLists: best sellers and low stock rows, absent lists left alone', () => {
  const price = (c) => `€${(c / 100).toFixed(2)}`;
  const l = statLists({
    currency: 'EUR',
    best_sellers: [{ name: 'Tea', qty: 4, amount_cents: 1200 }, { name: 'Cake', qty: '2', amount: '€9.00' }],
    low_stock: [{ name: 'Mug', sku: 'M1', stock: 0, out: true, url: '/admin/products/3' }, { name: 'Jar', sku: 'J', stock: 2 }],
  }, price);
  assert.deepEqual(l.best, [{ name: 'Tea', qty: 4, amount: '€12.00' }, { name: 'Cake', qty: 2, amount: '€9.00' }]);
  assert.deepEqual(l.low, [
    { name: 'Mug', sku: 'M1', url: '/admin/products/3', out: true, stock: 0 },
    { name: 'Jar', sku: 'J', url: null, out: false, stock: 2 },
  ]);
  const none = statLists({ best_sellers: [] }, price);
  assert.deepEqual(none.best, []);
  assert.equal(none.low, undefined, 'a list the answer lacks stays as the page has it');
});
