// admin.js — the back office in the browser, the entry: reads #admin-live's
// data attributes and wires the modules — feed-client (one polling tab, the
// Worker), ledger (events once), list (rows in place), alerts (toast, sound,
// notification, tab title, aria-live), livebar ("Updated N s ago", offline,
// Refresh) and chart (dashboard figures). Every page works without it.
import { createAnnouncer, createNotifier, createSound, createTitle, createToasts } from './alerts.js?v=1';
import { createStats } from './chart.js?v=1';
import { h } from './dom.js?v=1';
import { createFeed } from './feed-client.js?v=1';
import { EventLedger } from './ledger.js?v=1';
import { createList } from './list.js?v=1';
import { bindRefresh, createLiveBar } from './livebar.js?v=1';
import { lookup, makeFormats, makeT, parseJSON } from './texts.js?v=1';

// Hooks for the browser tests (harmless in production).
const probe = (window.__ordersync = window.__ordersync || {
  sounds: 0, notifications: 0, polls: 0, lastEvents: [],
});

const root = document.getElementById('admin-live');
if (root) start(root);

function config(d) {
  const ordersUrl = d.ordersUrl || '';
  return {
    feedUrl: d.feedUrl,
    statsUrl: d.statsUrl,
    ordersUrl,
    loginUrl: d.loginUrl,
    workerUrl: d.workerUrl,
    epoch: d.epoch || null,
    cursor: Number.parseInt(d.cursor, 10),
    pollMs: Number.parseInt(d.pollMs, 10) || 5000,
    lang: d.lang || document.documentElement.lang || 'en',
    currency: d.currency || 'EUR',
    tz: d.tz || undefined,
    csrf: d.csrf || '',
    base: ordersUrl.replace(/\/admin\/orders$/, ''),
  };
}

function elements() {
  const $ = (id) => document.getElementById(id);
  return {
    state: $('live-state'), label: $('live-label'), offline: $('live-offline'), ago: $('live-ago'),
    refresh: $('live-refresh'), sound: $('sound-toggle'), notify: $('notify-enable'),
    toasts: $('toasts'), announcer: $('announcer'),
    table: $('orders-table'), body: $('orders-body'), empty: $('orders-empty'),
    summary: $('orders-summary'), elsewhere: $('new-elsewhere'),
    latest: $('latest-body'), dashboard: $('dashboard'), orderStatus: $('order-status'),
    statsUpdated: $('stats-updated'), chartBars: $('chart-bars'), chartLabels: $('chart-labels'),
    chartMax: $('chart-max'), chart: $('chart'),
  };
}

function start(root) {
  const cfg = config(root.dataset);
  const texts = parseJSON(root.dataset.texts, {}) || {};
  const t = makeT(texts);
  const raw = (key) => (typeof lookup(texts, key) === 'string' ? lookup(texts, key) : key);
  const fmt = makeFormats(cfg);
  const el = elements();
  const ledger = new EventLedger({ cursor: cfg.cursor, epoch: cfg.epoch });
  let feed = null;

  const announce = createAnnouncer(el.announcer);
  const toasts = createToasts(el.toasts, { t });
  const title = createTitle(document);
  const sound = createSound({ button: el.sound, t, probe });

  function sessionEnded() {
    if (feed) feed.stop();
    if (document.getElementById('session-ended')) return;
    const next = window.location.pathname.slice(cfg.base.length) + window.location.search;
    const href = cfg.loginUrl + '?next=' + encodeURIComponent(next.startsWith('/') && !next.startsWith('//') ? next : '/admin/orders');
    root.after(h('p', { class: 'notice notice--warn session-ended', id: 'session-ended', role: 'alert' },
      t('feed.session_expired') + ' ', h('a', { href, text: t('feed.sign_in_again') })));
    live.setStatus({ ok: false });
  }

  async function getJSON(url) {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      sessionEnded();
      throw new Error('signed out');
    }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json();
  }

  const list = createList({ el, t, fmt, workflow: texts.workflow, cfg, getJSON });
  const stats = createStats({ el, t, fmt, getJSON, statsUrl: cfg.statsUrl });
  const live = createLiveBar({ root, el, t, announce, probe, onTick: () => list.expireHighlights() });
  const notifier = createNotifier({
    button: el.notify, t, probe, lang: cfg.lang, icon: cfg.base + '/static/img/icon.svg', orderUrl: list.orderUrl,
  });

  function newOrder(o, leading, count) {
    if (!ledger.firstAlert(o.number)) return; // never twice, whatever the path
    const m = list.addOrder(o, count);
    toasts.show(raw('feed.new_order'), { number: o.number, total: m.total }, { href: m.url });
    announce(t('feed.announce_new', { number: o.number, customer: o.customer_name || '', total: m.total }));
    title.bump();
    if (leading) {
      sound.play();
      notifier.notify(o, m.total);
    }
  }

  function changedOrder(ev, count) {
    const label = list.changeOrder(ev, count);
    if (label === null) return;
    toasts.show(raw('feed.order_changed'), { number: ev.order.number, status: label },
      { href: window.location.pathname, kind: 'info' });
    announce(t('feed.order_changed', { number: ev.order.number, status: label }));
  }

  async function refreshList() {
    const head = await list.refresh();
    if (head !== null) ledger.counted(head); // after a reset, ids start again
  }

  async function reloadAll() {
    if (el.table) await refreshList();
    if (el.dashboard) await stats.refresh();
    announce(t('feed.reloaded'));
  }

  const on = {
    async events(events, { cursor, epoch, leading }) {
      for (const { ev, kind, counts } of ledger.take(events)) {
        probe.lastEvents.push(ev);
        if (probe.lastEvents.length > 50) probe.lastEvents.shift();
        if (kind === 'created') newOrder(ev.order, leading, counts);
        else if (kind === 'changed') changedOrder(ev, counts);
      }
      list.updateSummary();
      stats.schedule();
      ledger.advance(cursor, epoch);
    },
    async reset({ cursor, epoch }, { leading }) {
      try {
        await reloadAll();
      } catch (err) {
        if (leading) throw err; // the Worker offers the reset again
        // A follower: the 30 s refresh will catch up.
      }
      ledger.reset(cursor, epoch);
    },
    status: (s) => live.setStatus(s),
    unauthorized: () => sessionEnded(),
  };

  feed = createFeed({
    feedUrl: cfg.feedUrl, workerUrl: cfg.workerUrl, pollMs: cfg.pollMs,
    position: () => ({ cursor: ledger.cursor, epoch: ledger.epoch }),
    onLeader: () => root.classList.add('is-leader'),
    on,
  });

  // ---- page life ----
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      title.clear();
      feed.requestPoll();
    }
  });
  window.addEventListener('focus', title.clear);
  document.addEventListener('pointerdown', title.clear, { passive: true });
  document.addEventListener('keydown', title.clear);

  bindRefresh(el.refresh, {
    requestPoll: () => feed.requestPoll(),
    reload: () => (el.table ? refreshList() : el.dashboard ? stats.refresh() : undefined),
  });

  // The safety nets: the whole list every 30 s, the dashboard's figures every 60 s.
  if (el.table) setInterval(() => { refreshList().catch(() => {}); }, 30000);
  if (el.dashboard) {
    const ms = Number.parseInt(el.dashboard.dataset.refreshMs, 10) || 60000;
    setInterval(() => { stats.refresh().catch(() => {}); }, ms);
  }
}
