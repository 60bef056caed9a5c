// till.js — the order page's "Take payment" form, live: the change to give
// while the cashier types the cash handed over, and the tendered field only
// for cash. The server computes the change again on the answer; without
// this module the form works as it is. parseMoney() and changeCents() are
// pure (Node tests).
import { makeFormats } from './texts.js?v=2';

/**
 * Cents of a money input as the server reads it (product_price_parse):
 * digits, then optionally "," or "." and one or two digits; null otherwise.
 */
export function parseMoney(text) {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(String(text ?? '').trim());
  if (!m) return null;
  return Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
}

/** The change for tendered cash: tendered − amount, or null when either is unreadable or short. */
export function changeCents(amountText, tenderedText) {
  const a = parseMoney(amountText);
  const t = parseMoney(tenderedText);
  if (a === null || t === null || t < a) return null;
  return t - a;
}

function bind(form) {
  const amount = form.elements.namedItem('amount');
  const method = form.elements.namedItem('method');
  const tendered = form.elements.namedItem('tendered');
  const out = document.getElementById('pay-change');
  const value = document.getElementById('pay-change-value');
  const box = form.querySelector('.pay-form__tendered');
  if (!amount || !method || !tendered || !out || !value) return;
  const fmt = makeFormats({ lang: form.dataset.lang || 'en', currency: form.dataset.currency || 'EUR' });
  const update = () => {
    const cash = method.value === 'cash';
    if (box) box.hidden = !cash;
    const c = cash ? changeCents(amount.value, tendered.value) : null;
    out.hidden = c === null;
    value.textContent = c === null ? '' : fmt.price(c);
  };
  for (const el of [amount, method, tendered]) el.addEventListener('input', update);
  method.addEventListener('change', update);
  update();
}

const form = typeof document !== 'undefined' ? document.getElementById('pay-form') : null;
if (form) bind(form);
