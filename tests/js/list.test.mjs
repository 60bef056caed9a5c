// list.test.mjs — the order list's pure parts (static/js/list.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Highlights, bumpedCount, payBadge, payModel, rowModel, summaryText } from '../../static/js/list.js';
import { makeFormats, makeT } from '../../static/js/texts.js';
import { TEXTS, WORKFLOW } from './fixtures.mjs';

const t = makeT(TEXTS);
const fmt = makeFormats({ lang: 'en', currency: 'EUR', tz: 'UTC' });
const ctx = {
  orderUrl: (n) => '/shop/admin/orders/' + encodeURIComponent(n),
  statusLabel: (s) => t('status.' + s),
  price: fmt.price,
  localTime: (iso) => fmt.localTime(iso, new Date('2026-11-30T12:00:00Z')),
  workflow: WORKFLOW,
};

test('rowModel: a feed order as the row template wants it, with the server\'s next step', () => {
  const m = rowModel({
    number: 'CMD-20261130-ABC123', status: 'processing', customer_name: 'Léa', items_count: 3,
    total_cents: 8999, currency: 'EUR', created_at: '2026-11-30T09:15:00Z',
  }, ctx);
  assert.deepEqual(m, {
    number: 'CMD-20261130-ABC123',
    url: '/shop/admin/orders/CMD-20261130-ABC123',
    status: 'processing',
    status_label: 'Processing',
    customer_name: 'Léa',
    items_count: 3,
    total: '€89.99',
    created_at: '2026-11-30T09:15:00Z',
    created_local: '09:15',
    next_action: { to: 'ready', label: 'Mark ready' },
    paid_cents: '',
    pay: null,
  });
  const done = rowModel({ number: 'N', status: 'completed', total_cents: 0 }, ctx);
  assert.equal(done.next_action, null);
  assert.equal(done.customer_name, '');
  assert.equal(done.items_count, '');
  assert.equal(rowModel({ number: 'N', status: 'ready' }, ctx).status_label, 'Ready for pickup');
});

test('summaryText: "Orders from–to of total", never a total below what is shown', () => {
  assert.equal(summaryText(t, 1, 20, 57), 'Orders 1–20 of 57');
  assert.equal(summaryText(t, 21, 5, 22), 'Orders 21–25 of 25', 'live rows beyond the count');
  assert.equal(summaryText(t, 1, 3, Number.NaN), 'Orders 1–3 of 3');
  assert.equal(summaryText(t, 1, 0, 4), '');
  assert.equal(summaryText(t, Number.NaN, 3, 4), null, 'no data-from: leave the summary alone');
  assert.equal(summaryText(t, 0, 3, 4), null);
});

test('bumpedCount: never below zero, unreadable counts as zero', () => {
  assert.equal(bumpedCount('4', 1), '5');
  assert.equal(bumpedCount('0', -1), '0');
  assert.equal(bumpedCount('', 1), '1');
  assert.equal(bumpedCount(' 12 ', -2), '10');
});

test('Highlights: the 30 s start when the page is first seen, and end once', () => {
  const hl = new Highlights(30000);
  hl.add('A');
  assert.deepEqual(hl.expire(1000, false), [], 'a hidden page does not start the clock');
  assert.deepEqual(hl.expire(100000, false), []);
  assert.deepEqual(hl.expire(200000, true), [], 'first seen: the clock starts');
  hl.add('B');
  assert.deepEqual(hl.expire(229999, true), []);
  assert.deepEqual(hl.expire(230000, true), ['A']);
  assert.equal(hl.has('A'), false);
  assert.equal(hl.has('B'), true);
  assert.deepEqual(hl.expire(260001, true), ['B']);
  assert.deepEqual(hl.expire(999999, true), []);
});

// ---- the DOM side, on the tiny fake DOM ----

import { OrderList } from '../../static/js/list.js';
import { installDocument } from './fake-dom.mjs';

function list() {
  installDocument();
  globalThis.CSS = { escape: (s) => s };
  return new OrderList({ el: {}, t, fmt, workflow: WORKFLOW, cfg: { ordersUrl: '/admin/orders', csrf: 'tok' }, getJSON: null });
}

const form = (tr) => {
  const f = tr.querySelector('form');
  if (!f) return null;
  const v = (n) => f.querySelector(`input[name="${n}"]`).value;
  return { action: f.getAttribute('action'), status: v('status'), csrf: v('csrf'), returnTo: v('return_to'), label: f.querySelector('button').textContent };
};

test('renderRow: the next-step form the server\'s workflow names, like the row template', () => {
  const l = list();
  const tr = l.renderRow(rowModel({ number: 'CMD-20261130-ABC123', status: 'processing', total_cents: 100 }, l.ctx), '/admin/orders?status=processing');
  assert.equal(tr.getAttribute('data-number'), 'CMD-20261130-ABC123');
  assert.deepEqual(form(tr), {
    action: '/admin/orders/CMD-20261130-ABC123/status', status: 'ready', csrf: 'tok',
    returnTo: '/admin/orders?status=processing', label: 'Mark ready',
  });
  assert.equal(tr.querySelector('.badge').textContent, 'Processing');
  const done = l.renderRow(rowModel({ number: 'N', status: 'cancelled' }, l.ctx), '/admin');
  assert.equal(form(done), null, 'a final status has no step');
});

test('updateRow: a status change in place — badge, next step, same return path', () => {
  const l = list();
  const tr = l.renderRow(rowModel({ number: 'N1', status: 'processing' }, l.ctx), '/admin/orders?page=2');
  l.updateRow(tr, 'ready');
  assert.equal(tr.dataset.status, 'ready');
  assert.equal(tr.querySelector('.badge').className, 'badge badge--ready');
  assert.equal(tr.querySelector('.badge').textContent, 'Ready for pickup');
  assert.deepEqual(form(tr), { action: '/admin/orders/N1/status', status: 'completed', csrf: 'tok', returnTo: '/admin/orders?page=2', label: 'Complete' });
  l.updateRow(tr, 'completed');
  assert.equal(form(tr), null);
  assert.ok(tr.classList.contains('is-updated'));
});

test('payBadge: Paid / Part-paid / Unpaid as the server\'s payment_badge() decides', () => {
  const cases = [
    [2450, 0, 'unpaid'], [2450, 1000, 'part'], [2450, 2450, 'paid'], [2450, 3000, 'paid'],
    [0, 0, 'paid'], [2450, undefined, null], [2450, '1000', null],
  ];
  for (const [total, paid, want] of cases) assert.equal(payBadge(total, paid), want, `${total}/${paid}`);
});

test('payModel and rowModel: a feed order\'s paid badge with its words; none once cancelled', () => {
  const label = (b) => 'L:' + b;
  assert.deepEqual(payModel({ total_cents: 1290, paid_cents: 500 }, 'pending', label), { badge: 'part', label: 'L:part' });
  assert.equal(payModel({ total_cents: 1290, paid_cents: 0 }, 'cancelled', label, { cancelled: { paid_badge: false } }), null);
  assert.deepEqual(payModel({ total_cents: 1290, paid_cents: 0 }, 'ready', label, { ready: { paid_badge: true } }), { badge: 'unpaid', label: 'L:unpaid' });
  const m = rowModel({ number: 'N', status: 'ready', total_cents: 1290, paid_cents: 1290 }, { ...ctx, payLabel: label });
  assert.deepEqual(m.pay, { badge: 'paid', label: 'L:paid' });
  assert.equal(m.paid_cents, 1290);
});
