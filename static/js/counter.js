// counter.js — the counter order page (/admin/orders/new) made fast at the keyboard:
// a search box filtering the products by name or SKU as one types (accents and
// case ignored), Enter adds one of the first match, and a running total.
//
// Without this module the page is a plain form: every product with a quantity
// field, posted as sku/qty pairs. With it, lines left at 0 are not posted.

import { fill, makeFormats } from './texts.js?v=2';

/** s folded for matching: lower case, accents removed ("Élodie" → "elodie"). */
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** 1 when every word of query is found in the product's name or SKU (folded); an empty query matches all. */
export function matches(query, name, sku) {
  const hay = fold(name) + ' ' + fold(sku);
  return fold(query).split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/** The order's total in cents and item count, from lines [{priceCents, qty}]. */
export function totalOf(lines) {
  let cents = 0;
  let n = 0;
  for (const l of lines) {
    const q = Number.parseInt(l.qty, 10);
    if (!Number.isInteger(q) || q <= 0) continue;
    cents += q * (Number(l.priceCents) || 0);
    n += q;
  }
  return { cents, n };
}

/** Wires the counter form under doc; nothing happens on pages without it. */
export function wireCounter(doc) {
  const form = doc.getElementById('counter-form');
  if (!form) return;
  // Sold-out rows have no fields: they are listed and filtered, never ordered.
  const allRows = [...form.querySelectorAll('.counter-row')];
  const rows = allRows.filter((r) => r.querySelector('input[name="qty"]'));
  const qtyOf = (row) => row.querySelector('input[name="qty"]');
  const search = form.querySelector('#c-search');
  const none = doc.getElementById('counter-none');
  const totalEl = doc.getElementById('counter-total');
  const fmt = makeFormats({ lang: form.dataset.lang, currency: form.dataset.currency });

  const update = () => {
    const t = totalOf(rows.map((r) => ({ priceCents: r.dataset.priceCents, qty: qtyOf(r).value })));
    totalEl.textContent = fill(form.dataset.totalText || '{total}', { total: fmt.price(t.cents), n: t.n });
    totalEl.hidden = false;
    for (const r of rows) r.classList.toggle('is-picked', Number.parseInt(qtyOf(r).value, 10) > 0);
  };
  const filter = () => {
    const q = search.value;
    let shown = 0;
    for (const r of allRows) {
      const keep = matches(q, r.dataset.name, r.dataset.sku) || r.classList.contains('is-picked');
      r.hidden = !keep;
      if (keep) shown++;
    }
    if (none) none.hidden = shown > 0;
  };

  if (search) {
    search.closest('.counter-search').hidden = false;
    search.addEventListener('input', filter);
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        search.value = '';
        filter();
      }
      if (e.key !== 'Enter') return;
      e.preventDefault();
      const first = rows.find((r) => !r.hidden && matches(search.value, r.dataset.name, r.dataset.sku));
      if (!first) return;
      const input = qtyOf(first);
      const max = Number.parseInt(input.max, 10) || 99;
      input.value = String(Math.min(max, (Number.parseInt(input.value, 10) || 0) + 1));
      update();
      search.select();
    });
    if (!doc.getElementById('counter-message')) search.focus();
  }
  form.addEventListener('input', (e) => {
    if (e.target.name === 'qty') update();
  });
  form.addEventListener('submit', () => {
    // Lines left at 0 are not ordered: leave them out of the post.
    for (const r of rows) {
      const input = qtyOf(r);
      if (!(Number.parseInt(input.value, 10) > 0)) {
        input.disabled = true;
        r.querySelector('input[name="sku"]').disabled = true;
      }
    }
  });
  // Back from a refusal (bfcache): the lines left out are fields again.
  if (typeof window !== 'undefined') {
    window.addEventListener('pageshow', () => {
      for (const r of rows) {
        qtyOf(r).disabled = false;
        r.querySelector('input[name="sku"]').disabled = false;
      }
    });
  }
  const store = doc.querySelector('[data-autosubmit]');
  if (store) store.addEventListener('change', () => store.form.submit());
  update();
}

if (typeof document !== 'undefined') wireCounter(document);
