// Story 3, two admin tabs in one browser: only one polls the server (the other
// follows it over BroadcastChannel), both show a new order, the sound plays
// once; and when the polling tab closes, the other takes over.
//
// Counting polls: the feed is fetched from a dedicated Worker. Playwright
// reports a dedicated worker's requests as requests of the page that owns the
// worker (request.frame() is that page's main frame), so a context-level
// 'request' listener sees them and can tell the tabs apart. The story checks
// that this really sees the worker's fetches — the leader's request count must
// match the polls its page reports — rather than trusting it.
//
// With the feed long-polling (the server offers wait_max > 0), an idle leader
// makes at most one request in the window (each is held until an event or the
// end of its wait), and the proof that the counting sees the Worker moves to
// the order: the held request is answered, and the Worker asks again at once.
import { apiOrder, gesture, orderRow, probe, signIn, waitLive } from '../lib/app.mjs';
import { expect, sleep, until } from '../lib/env.mjs';

export const title = 'two admin tabs: one polls, both show the order, one sound';

let ctx = null;

export async function run(env) {
  ctx = await env.newContext('admin tabs', { permissions: ['notifications'] });
  const polls = []; // {tab, url, at}
  const tabOf = new Map();
  ctx.on('request', (r) => {
    if (!new URL(r.url()).pathname.endsWith('/admin/api/since')) return;
    let page = null;
    try { page = r.frame().page(); } catch { page = null; }
    polls.push({ tab: tabOf.get(page) || '?', at: Date.now(), url: r.url() });
  });

  const one = await ctx.newPage();
  tabOf.set(one, 'tab 1');
  await signIn(env, one);
  await waitLive(env, one);
  await until('tab 1 to lead the polling', async () => (await probe(one)).leader, 3000);

  const two = await ctx.newPage();
  tabOf.set(two, 'tab 2');
  await two.goto(env.url('/admin/orders'));
  await waitLive(env, two); // "Live" reaches a follower through the channel
  expect(!(await probe(two)).leader, 'the second tab should follow, not lead');
  expect(one.workers().length === 1, `the leading tab should poll from one Worker (it has ${one.workers().length})`);
  expect(two.workers().length === 0, `the following tab should start no Worker (it has ${two.workers().length})`);
  await gesture(one);
  await gesture(two);

  // A window of four poll intervals: count who asks the server.
  const longPoll = (await probe(one)).waitMs > 0;
  const windowMs = 4 * env.pollMs;
  const from = Date.now();
  const polls1 = (await probe(one)).polls;
  await sleep(windowMs);
  const polls2 = (await probe(one)).polls;
  const seen = polls.filter((p) => p.at >= from && p.at < from + windowMs);
  const byTab = { 'tab 1': 0, 'tab 2': 0, '?': 0 };
  for (const p of seen) byTab[p.tab]++;
  console.log(`     in ${windowMs} ms: tab 1 polled ${byTab['tab 1']}×, tab 2 ${byTab['tab 2']}×` +
    `${byTab['?'] ? `, unattributed ${byTab['?']}×` : ''} (tab 1's page counted ${polls2 - polls1} polls; ` +
    `${longPoll ? 'long-poll' : 'interval polling'})`);
  if (longPoll) {
    expect(byTab['tab 1'] <= 1, `an idle long-poll asks again only when its wait ends; saw ${byTab['tab 1']} requests in ${windowMs} ms`);
  } else {
    expect(byTab['tab 1'] >= 2, `the leading tab should poll about every ${env.pollMs} ms; seen ${byTab['tab 1']} requests in ${windowMs} ms — is the counting blind to the Worker?`);
    expect(byTab['tab 1'] <= windowMs / env.pollMs + 1, `one poller makes at most ${windowMs / env.pollMs + 1} requests in ${windowMs} ms, saw ${byTab['tab 1']}`);
  }
  expect(Math.abs(byTab['tab 1'] - (polls2 - polls1)) <= 1,
    `the requests seen (${byTab['tab 1']}) should match the polls the page reports (${polls2 - polls1}): the counting must see the Worker's fetches`);
  expect(byTab['tab 2'] === 0 && byTab['?'] === 0, `only one tab should poll; tab 2 made ${byTab['tab 2']} requests, unattributed ${byTab['?']}`);

  // A new order: both tabs show it, one sound, one notification.
  const b1 = await probe(one);
  const b2 = await probe(two);
  const orderAt = Date.now();
  const order = await apiOrder(env.server.url, { name: 'Hugo Lefèvre', email: 'hugo@example.com' });
  await Promise.all([one, two].map((p) => orderRow(p, order.number).waitFor({ timeout: env.pollMs + 2000 })));
  if (longPoll) {
    await until('tab 1\'s Worker to ask again once its held request brought the order', async () =>
      polls.some((p) => p.tab === 'tab 1' && p.at >= orderAt), 3000)
      .catch(() => { throw new Error('the order came, yet no request of tab 1 was seen after it: is the counting blind to the Worker?'); });
    expect(!polls.some((p) => p.tab !== 'tab 1' && p.at >= from), 'only tab 1 should ask the server');
  }
  await sleep(Math.max(1000, env.pollMs)); // room for a second, wrong, sound
  const a1 = await probe(one);
  const a2 = await probe(two);
  const sounds = (a1.sounds - b1.sounds) + (a2.sounds - b2.sounds);
  const notes = (a1.notifications - b1.notifications) + (a2.notifications - b2.notifications);
  const audible = [a1.audioRunningStarts - b1.audioRunningStarts, a2.audioRunningStarts - b2.audioRunningStarts];
  console.log(`     sounds: tab 1 ${a1.sounds - b1.sounds}, tab 2 ${a2.sounds - b2.sounds}; notifications: ${notes}`);
  expect(sounds === 1, `the sound should play once across the tabs, it played ${sounds}×`);
  expect(audible.filter((n) => n > 0).length === 1, `Web Audio should start in one tab only (oscillators started: ${audible.join(', ')})`);
  expect(notes === 1, `one notification across the tabs, got ${notes}`);
  for (const [p, name] of [[one, 'tab 1'], [two, 'tab 2']]) {
    const s = await probe(p);
    expect(s.title.startsWith('(1) '), `${name}'s title should count the new order: "${s.title}"`);
    expect(await orderRow(p, order.number).evaluate((tr) => tr.classList.contains('is-new')), `${name} should highlight the new row`);
  }
  await env.shot(one, 'tab1');
  await env.shot(two, 'tab2');

  // The leader leaves: the follower takes over the polling.
  await one.close();
  const handover = Date.now();
  await until('tab 2 to take over the polling', async () => (await probe(two)).leader &&
    polls.some((p) => p.tab === 'tab 2' && p.at >= handover), env.pollMs + 3000);
  console.log(`     tab 2 took over the polling ${Date.now() - handover} ms after tab 1 closed`);
}

export async function cleanup() {
  if (ctx) await ctx.close();
  ctx = null;
}
