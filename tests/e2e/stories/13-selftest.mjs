// Story 13, "Will I hear the next order?": the alert self-test from the live bar.
//
// A cashier has /admin/orders open (notifications allowed in this browser, a
// click on the page so sound may play). She opens the live bar's self-test
// and the checklist ticks sound, notification permission, a polling tab and
// the Worker. She presses "Send a test alert": the test event comes back
// through the feed — the checklist says "received through the feed in N s" —
// and the page raises the alert once, as a test: the banner "Test alert from
// … — this is how a new order will reach you", one sound, one notification
// titled "Test alert", "(1)" in the tab title. A second tab of the same
// browser, following the first, shows the banner once too, and neither sounds
// nor notifies (the polling tab did). The order list and its counts do not move.
import { gesture, probe, waitLive } from '../lib/app.mjs';
import { expect, sleep, until } from '../lib/env.mjs';
import { addUser, signInAs } from '../lib/people.mjs';

export const title = 'self-test: a test alert comes back through the feed, once, and the list does not move';

const CASHIER = ['cashier.selftest@example.com', 'cashier-selftest-secret'];

/** What the list shows: its rows and its filter counts. */
async function listState(page) {
  return page.evaluate(() => ({
    rows: Array.from(document.querySelectorAll('#orders-body tr')).map((r) => r.textContent.replace(/\s+/g, ' ').trim()),
    counts: Array.from(document.querySelectorAll('[data-count-status]')).map((c) => `${c.dataset.countStatus}=${c.textContent}`),
  }));
}

/** The live bar's checklist as {key: {ok, text}}. */
async function checks(page) {
  return page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll('#admin-live [data-check]'))
    .map((li) => [li.dataset.check, { ok: li.dataset.ok, text: li.textContent.replace(/\s+/g, ' ').trim() }])));
}

export async function run(env) {
  const { t } = env;
  addUser(env, ...CASHIER, 'staff', 'default');
  const ctx = await env.newContext('cashier', { permissions: ['notifications'] });
  const page = await ctx.newPage();
  await signInAs(env, page, ...CASHIER);
  await waitLive(env, page);
  await gesture(page);
  await until('this tab to lead the polling', async () => (await probe(page)).leader, 3000);
  const other = await ctx.newPage();
  await other.goto(env.url('/admin/orders'));
  await waitLive(env, other);
  expect(!(await probe(other)).leader, 'the second tab should follow the first');
  const before = await listState(page);
  const p0 = await probe(page);
  const o0 = await probe(other);

  const pop = page.locator('#admin-live details.selftest-pop');
  await pop.locator('summary').click();
  expect(await pop.evaluate((d) => d.open), 'the self-test pop-up should open');
  await until('the checklist to tick sound, notifications, polling and the Worker', async () => {
    const c = await checks(page);
    return ['sound', 'notify', 'leader', 'worker'].every((k) => c[k] && c[k].ok === 'true');
  }, 3 * env.pollMs + 3000).catch(async (err) => {
    throw new Error(`${err.message}: ${JSON.stringify(await checks(page))}`);
  });
  const c0 = await checks(page);
  expect(c0.notify.text.includes(t('selftest.notify_ok')), `the permission line should read "${t('selftest.notify_ok')}", got "${c0.notify.text}"`);
  expect(c0.leader.text.includes(t('selftest.leader_self').split(',')[0]), `this tab polls: "${c0.leader.text}"`);

  const sentAt = Date.now();
  await pop.getByRole('button', { name: t('selftest.send') }).click();
  const limit = 3 * env.pollMs;
  await until('the round trip to tick', async () => {
    const c = await checks(page);
    return c.trip && c.trip.ok === 'true';
  }, limit + 3000).catch(async (err) => {
    throw new Error(`${err.message}: ${JSON.stringify((await checks(page)).trip)}`);
  });
  const trip = (await checks(page)).trip.text;
  const okWords = t('selftest.trip_ok').split('{s}')[0];
  expect(trip.includes(okWords) && /\d\.\d s$/.test(trip), `the trip line should say "${okWords}N.N s", got "${trip}"`);
  const secs = Number.parseFloat(trip.match(/(\d+\.\d) s$/)[1]);
  expect(secs * 1000 <= limit + 100, `the event came back in ${secs} s, within ${limit} ms`);
  console.log(`     the test event came back through the feed in ${secs} s (${Date.now() - sentAt} ms after the click)`);

  const banner = t('selftest.banner_by').replace('{by}', 'cashier.selftest');
  await until(`the banner "${banner}"`, async () =>
    (await page.locator('#toasts .toast').filter({ hasText: banner }).count()) === 1, 2000);
  await env.shot(page, 'selftest-live-bar', false);
  // Two more polls: nothing comes twice.
  await sleep(2 * env.pollMs + 300);
  const p1 = await probe(page);
  const toasts = await page.locator('#toasts .toast').filter({ hasText: t('selftest.banner_by').split(' {by}')[0] }).count();
  expect(toasts === 1, `one test banner, saw ${toasts}`);
  const testAlerts = await page.evaluate(() => window.__ordersync.testAlerts);
  expect(testAlerts === 1, `the page should raise the test alert once, raised it ${testAlerts}×`);
  const notes = p1.recordedNotifications.slice(p0.recordedNotifications.length);
  expect(notes.length === 1 && notes[0].title === t('selftest.notify_title'),
    `one notification titled "${t('selftest.notify_title')}", got ${JSON.stringify(notes)}`);
  expect(!/CMD-/.test(notes[0].body), `the notification must not read as an order: "${notes[0].body}"`);
  expect(p1.sounds - p0.sounds === 1, `one sound, played ${p1.sounds - p0.sounds}`);
  expect(p1.audioRunningStarts > p0.audioRunningStarts, 'the sound should start on a running audio context');
  expect(p1.title.startsWith('(1) '), `the tab title should count the alert, got "${p1.title}"`);
  const o1 = await probe(other);
  const otherBanners = await other.locator('#toasts .toast').filter({ hasText: banner }).count();
  const otherAlerts = await other.evaluate(() => window.__ordersync.testAlerts);
  expect(otherBanners === 1 && otherAlerts === 1, `the second tab should show the banner once, showed ${otherBanners} (raised ${otherAlerts}×)`);
  expect(o1.sounds === o0.sounds && o1.recordedNotifications.length === o0.recordedNotifications.length,
    'the following tab should neither sound nor notify: the polling tab did, once for the browser');
  expect(o1.title.startsWith('(1) '), `the second tab's title should count it too, got "${o1.title}"`);
  expect(JSON.stringify(await listState(other)) === JSON.stringify(before), 'the second tab\'s list must not move either');
  const after = await listState(page);
  expect(JSON.stringify(after) === JSON.stringify(before),
    `the list and its counts must not move: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  await ctx.close();
}
