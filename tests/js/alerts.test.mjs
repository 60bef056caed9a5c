// alerts.test.mjs — toasts and the tab title (static/js/alerts.js): the pure
// ToastQueue, and createToasts() on a tiny fake DOM with a manual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { TOAST_LIFE_MS, TOAST_MAX, TOAST_RESUME_MS, TitleCount, ToastQueue, createToasts } from '../../static/js/alerts.js';
import { makeT } from '../../static/js/texts.js';
import { TEXTS } from './fixtures.mjs';
import { FakeClock, installDocument } from './fake-dom.mjs';

test('ToastQueue: at most three, a fourth pushes the oldest out', () => {
  assert.equal(TOAST_MAX, 3);
  const q = new ToastQueue();
  const ids = [0, 1, 2].map((i) => q.push(i * 100).id);
  assert.deepEqual(q.push(300).evicted, [ids[0]]);
  assert.deepEqual(q.ids, [ids[1], ids[2], 4]);
  assert.deepEqual(q.push(400).evicted, [ids[1]]);
});

test('ToastQueue: each leaves 10 s after it came, the oldest first', () => {
  assert.equal(TOAST_LIFE_MS, 10000);
  const q = new ToastQueue();
  const a = q.push(0).id;
  const b = q.push(4000).id;
  assert.equal(q.nextDue(0), 10000);
  assert.deepEqual(q.expired(9999), []);
  assert.deepEqual(q.expired(10000), [a]);
  assert.equal(q.nextDue(10000), 4000);
  assert.deepEqual(q.expired(14000), [b]);
  assert.equal(q.nextDue(14000), null);
});

test('ToastQueue: hovering pauses every clock; leaving resumes, with a little time at least', () => {
  const q = new ToastQueue();
  const a = q.push(0).id;
  const b = q.push(9000).id;
  q.pause(3000);
  assert.deepEqual(q.expired(60000), [], 'nothing leaves while hovered');
  assert.equal(q.nextDue(60000), null);
  q.resume(60000);
  assert.equal(q.nextDue(60000), 7000, 'the oldest had 7 s left');
  assert.deepEqual(q.expired(67000), [a]);
  q.pause(75999); // b had 10 s from 60 s: 1 ms left
  q.resume(80000);
  assert.equal(q.nextDue(80000), TOAST_RESUME_MS, 'never less than the resume floor');
  assert.deepEqual(q.expired(80000 + TOAST_RESUME_MS), [b]);
});

test('ToastQueue: removing the last toast ends a pause nobody can end', () => {
  const q = new ToastQueue();
  const a = q.push(0).id;
  q.pause(10);
  assert.equal(q.remove(a), true);
  assert.equal(q.remove(a), false);
  assert.equal(q.paused, false);
});

test('TitleCount: "(N) title" for unseen orders, back to the title once seen', () => {
  const c = new TitleCount('Orders — Shop');
  assert.equal(c.clear(), null, 'nothing to clear');
  assert.equal(c.bump(), '(1) Orders — Shop');
  assert.equal(c.bump(), '(2) Orders — Shop');
  assert.equal(c.clear(), 'Orders — Shop');
  assert.equal(c.bump(), '(1) Orders — Shop');
});

function setUp() {
  const doc = installDocument();
  const region = doc.createElement('div');
  const clock = new FakeClock(1000);
  const toasts = createToasts(region, { t: makeT(TEXTS), clock });
  const show = (n) => toasts.show(TEXTS.feed.new_order, { number: `CMD-20261130-ABC12${n}`, total: '€89.99' }, { href: `/o/${n}` });
  return { doc, region, clock, toasts, show };
}

test('createToasts: the order number is one span; text, link and close button', () => {
  const { region, show } = setUp();
  show(1);
  const box = region.firstElementChild;
  assert.equal(box.className, 'toast toast--new');
  const nums = box.byClass('toast__number');
  assert.equal(nums.length, 1);
  assert.equal(nums[0].textContent, 'CMD-20261130-ABC121');
  assert.equal(box.byClass('toast__text')[0].textContent, 'New order CMD-20261130-ABC121 — €89.99');
  assert.equal(box.byClass('toast__link')[0].getAttribute('href'), '/o/1');
  assert.equal(box.byClass('toast__close')[0].getAttribute('aria-label'), 'Dismiss');
});

test('createToasts: newest on top, three at most, each gone 10 s after it came', () => {
  const { region, clock, show } = setUp();
  for (const n of [1, 2, 3, 4]) {
    show(n);
    clock.advance(1000);
  }
  const numbers = () => region.byClass('toast__number').map((x) => x.textContent.slice(-1));
  assert.deepEqual(numbers(), ['4', '3', '2'], 'the fourth pushed the first out');
  clock.advance(10000 - 3000 - 1 + 100); // toast 2 came at 2000: gone by 12 000 (+ a beat)
  assert.deepEqual(numbers(), ['4', '3']);
  clock.advance(20000);
  assert.deepEqual(numbers(), []);
});

test('createToasts: hover or focus keeps them; leaving lets them go; × closes one', () => {
  const { doc, region, clock, show, toasts } = setUp();
  show(1);
  show(2);
  region.hovered = true;
  region.dispatch('pointerenter');
  clock.advance(60000);
  assert.equal(toasts.count(), 2, 'still there after a minute under the pointer');
  region.hovered = false;
  region.dispatch('pointerleave');
  clock.advance(TOAST_LIFE_MS + 100);
  assert.equal(toasts.count(), 0, 'gone once the pointer left');

  show(3);
  const close = region.byClass('toast__close')[0];
  doc.activeElement = close;
  region.dispatch('focusin', { target: close });
  clock.advance(30000);
  assert.equal(toasts.count(), 1, 'a focused toast stays');
  close.click();
  assert.equal(toasts.count(), 0, '× removes it');
});

test('createToasts: a pointer that vanished with the last toast does not freeze the next', async () => {
  const { region, clock, show, toasts } = setUp();
  show(1);
  region.hovered = true;
  region.dispatch('pointerenter');
  region.byClass('toast__close')[0].click(); // the region empties under the pointer: no pointerleave
  region.hovered = false;
  show(2);
  region.dispatch('focusin'); // a keyboard user passes through, and leaves
  region.dispatch('focusout', { relatedTarget: null });
  await new Promise((r) => setTimeout(r, 5));
  clock.advance(TOAST_LIFE_MS + 100);
  assert.equal(toasts.count(), 0, 'the stale hover does not keep the toast for ever');
});
