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
  const failures = [];
  ctx.on('requestfailed', (r) => {
    if (new URL(r.url()).pathname.endsWith('/admin/api/since')) failures.push(Date.now());
  });
  await signIn(env, a);
  await waitLive(env, a);
  const offline = a.locator('#live-offline');
  expect(await offline.isHidden(), 'the offline badge should be hidden while the feed answers');

  // Down: lighttpd and the app, the whole process group.
  env.allow(/net::ERR_CONNECTION_REFUSED/); // the page's and the Worker's fetches while the server is down
  const server = env.server;
  const port = server.port;
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
  const failedPolls = failures.filter((at) => at >= downAt).length;
  expect(failedPolls >= 2, `the page should keep retrying while the server is down (saw ${failedPolls} failed polls)`);

  // Back on the same port and database; another order at once.
  await server.start(port);
  const upAt = Date.now();
  const after = await apiOrder(server.url, { name: 'Jules Petit', email: 'jules@example.com', items: [{ sku: 'GRN-HND-01', qty: 1 }] });
  const stillOffline = await offline.isVisible();

  // The next retry comes after a backoff of at most min(60 s, poll_ms × 2^(n-1)).
  const attempts = failures.filter((at) => at >= downAt).length;
  const ceiling = Math.min(60000, env.pollMs * 2 ** attempts);
  await offline.waitFor({ state: 'hidden', timeout: ceiling + 3000 });
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
    `badge cleared ${backAt - upAt} ms after the restart; the order placed right after the restart ` +
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
