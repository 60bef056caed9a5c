// fulfilment.test.mjs — the checkout's address shows only while delivery is chosen (static/js/fulfilment.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { wireFulfilment } from '../../static/js/fulfilment.js';

/** The checkout's pieces as plain objects: the radio group, the address box and its note. */
function checkout(picked) {
  const listeners = [];
  const state = { picked };
  const note = { hidden: false };
  const fields = { hidden: false, querySelector: (sel) => (sel === '[data-delivery-note]' ? note : null) };
  const choice = {
    addEventListener: (type, fn) => { if (type === 'change') listeners.push(fn); },
    querySelector: () => (state.picked ? { value: state.picked } : null),
  };
  const root = {
    querySelector: (sel) => ({ '[data-fulfilment]': choice, '[data-delivery-fields]': fields }[sel] || null),
  };
  const pick = (value) => { state.picked = value; for (const fn of listeners) fn(); };
  return { root, fields, note, pick };
}

test('pickup chosen: the address hides, and its no-JS note goes', () => {
  const c = checkout('pickup');
  wireFulfilment(c.root);
  assert.equal(c.fields.hidden, true);
  assert.equal(c.note.hidden, true);
});

test('choosing delivery shows the address; pickup again hides it', () => {
  const c = checkout('pickup');
  wireFulfilment(c.root);
  c.pick('delivery');
  assert.equal(c.fields.hidden, false);
  c.pick('pickup');
  assert.equal(c.fields.hidden, true);
});

test('delivery already chosen (a form sent back with errors): the address shows', () => {
  const c = checkout('delivery');
  wireFulfilment(c.root);
  assert.equal(c.fields.hidden, false);
});

test('a store that does not ask (no choice on the page): nothing is touched', () => {
  const fields = { hidden: false, querySelector: () => null };
  wireFulfilment({ querySelector: (sel) => (sel === '[data-delivery-fields]' ? fields : null) });
  assert.equal(fields.hidden, false);
});
