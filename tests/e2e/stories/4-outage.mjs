// Story 4, resilience: the shop's server goes down while staff watch the list.
// The page shows "offline" and backs off; orders keep coming in meanwhile (one
// through a second server on the same database while ours is down, one the
// moment ours is back); when the server returns on the same port and database
// the badge clears and both orders arrive — nothing is lost across the outage.
import { apiOrder, orderRow, probe, signIn, waitLive } from '../lib/app.mjs';
import { expect, sleep, until } from '../lib/env.mjs';

export const title = 'outage: offline badge, recovery, no order lost';

const DOWN_MS = 4000;
let ctx = null;
let side = null;

export async function run(env) {
  ctx = await env.newContext('admin outage');
  const a = await ctx.newPage();
  // Every feed request's outcome: a failed one is a refused connection, or an
  // error status (lighttpd answers 5xx while its app processes stop).
  const feed = []; // {at, ok, what}
  const isFeed = (r) => new URL(r.url()).pathname.endsWith('/admin/api/since');
  ctx.on('requestfailed', (r) => {
    if (isFeed(r)) feed.push({ at: Date.now(), ok: false, what: r.failure()?.errorText || 'failed' });
  });
  ctx.on('requestfinished', async (r) => {
    if (!isFeed(r)) return;
    const res = await r.response().catch(() => null);
    const status = res ? res.status() : 0;
    feed.push({ at: Date.now(), ok: status === 200 || status === 304, what: String(status) });
  });
  const failuresSince = (t0) => feed.filter((f) => !f.ok && f.at >= t0).length;
  const story = (t0) => feed.filter((f) => f.at >= t0).map((f) => `${f.at - t0}ms:${f.what}`).join(' ');
  await signIn(env, a);
  await waitLive(env, a);
  const offline = a.locator('#live-offline');
  expect(await offline.isHidden(), 'the offline badge should be hidden while the feed answers');

  // Down: lighttpd and the app, the whole process group.
  env.allow(/net::ERR_CONNECTION_REFUSED/); // the page's and the Worker's fetches while the server is down
  const server = env.server;
  const port = server.port;
  const stopAt = Date.now();
  await server.stop();
  const downAt = Date.now();
  await offline.waitFor({ state: 'visible', timeout: env.pollMs + 3000 });
  const badgeAt = Date.now();
  expect((await offline.textContent()).trim() === env.t('feed.offline'), 'the badge should say it is offline and retrying');
  expect((await probe(a)).offline, 'the live bar should be in its offline state');
  await until('the announcer to say the feed is offline', async () =>
    (await a.locator('#announcer').textContent()).trim() === env.t('feed.offline'), 2000);
  await env.shot(a, 'offline', false);

  // An order while ours is down: the JSON API of a second server on the same database.
  side = env.makeServer('srv-side');
  await side.start();
  const during = await apiOrder(side.url, { name: 'Inès Moreau', email: 'ines@example.com', items: [{ sku: 'PRS-FRN-08', qty: 1 }] });
  await side.stop();
  side = null;
  expect(await offline.isVisible(), 'the page should still be offline when the order is placed');
  const remaining = DOWN_MS - (Date.now() - downAt);
  if (remaining > 0) await sleep(remaining);
  const failedPolls = failuresSince(stopAt);
  expect(failedPolls >= 2, `the page should keep retrying while the server is down (saw ${failedPolls} failed polls)`);

  // Back on the same port and database; another order at once.
  await server.start(port);
  const upAt = Date.now();
  const after = await apiOrder(server.url, { name: 'Jules Petit', email: 'jules@example.com', items: [{ sku: 'GRN-HND-01', qty: 1 }] });
  const stillOffline = await offline.isVisible();

  // After n failed polls the next retry comes within min(60 s, poll_ms × 2^(n-1)).
  const attempts = failuresSince(stopAt);
  const ceiling = Math.min(60000, env.pollMs * 2 ** Math.max(0, attempts - 1));
  await offline.waitFor({ state: 'hidden', timeout: ceiling + 3000 }).catch(() => {
    throw new Error(`the offline badge should clear within ${ceiling + 3000} ms of the restart ` +
      `(${attempts} failed polls, so the next retry is due within ${ceiling} ms); feed requests since the stop: ${story(stopAt)}`);
  });
  const backAt = Date.now();
  for (const o of [during, after]) {
    await orderRow(a, o.number).waitFor({ timeout: env.pollMs + 3000 }).catch(() => {
      throw new Error(`order ${o.number} should reach the list after the outage`);
    });
    const toast = env.t('feed.new_order', { number: o.number, total: await orderRow(a, o.number).locator('.order-row__total').textContent() });
    expect(await a.locator('#toasts .toast').filter({ hasText: toast }).count() === 1, `a toast should announce ${o.number}`);
  }
  const s = await probe(a);
  expect(s.live && !s.offline, 'the live bar should be live again');
  expect(s.title.startsWith('(2) '), `the title should count both new orders: "${s.title}"`);
  console.log(`     offline badge ${badgeAt - downAt} ms after the stop; ${attempts} failed polls while down; ` +
    `badge cleared ${backAt - upAt} ms after the restart (feed: ${story(stopAt)}); the order placed right after the restart ` +
    `${stillOffline ? 'was created while the page still showed offline' : 'came after the page had recovered'}`);
  await env.shot(a, 'recovered', false);
}

export async function cleanup(env) {
  if (side) await side.stop();
  side = null;
  // Whatever happened above, the next stories need the shop up.
  if (!env.server.pgid) await env.server.start(env.server.port);
  if (ctx) await ctx.close();
  ctx = null;
}
