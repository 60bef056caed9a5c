// admin.js — the back office in the browser, the entry: reads #admin-live's
// data attributes and wires the modules — feed-client (one polling tab, the
// Worker), ledger (events once), list (rows in place), alerts (toast, sound,
// notification, tab title, aria-live), livebar ("Updated N s ago", offline,
// Refresh), chart (dashboard figures) and selftest ("Will I hear the next
// order?"). Every page works without it.
import { createAnnouncer, createNotifier, createSound, createTitle, createToasts } from './alerts.js?v=3';
import { createStats } from './chart.js?v=2';
import { h } from './dom.js?v=1';
import { createFeed } from './feed-client.js?v=4';
import { EventLedger } from './ledger.js?v=1';
import { OrderList } from './list.js?v=2';
import { bindRefresh, createLiveBar } from './livebar.js?v=1';
import { bannerKey, createSelfTest } from './selftest.js?v=2';
import { lookup, makeFormats, makeT, newOrderKey, parseJSON } from './texts.js?v=2';

// Hooks for the browser tests (harmless in production).
const probe = (window.__ordersync = window.__ordersync || {
  sounds: 0, notifications: 0, polls: 0, lastEvents: [], testAlerts: 0,
});

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
    mayChange: d.mayChange === '1',
    base: ordersUrl.replace(/\/admin\/orders$/, ''),
  };
}

/** The workflow with every status's next step removed (finality kept). */
function withoutSteps(workflow) {
  const out = {};
  for (const [status, w] of Object.entries(workflow || {})) out[status] = { ...w, next: null };
  return out;
}

function elements() {
  const $ = (id) => document.getElementById(id);
  return {
    state: $('live-state'), label: $('live-label'), offline: $('live-offline'), ago: $('live-ago'),
    refresh: $('live-refresh'), sound: $('sound-toggle'), notify: $('notify-enable'),
    toasts: $('toasts'), announcer: $('announcer'),
    table: $('orders-table'), body: $('orders-body'), empty: $('orders-empty'),
    summary: $('orders-summary'), elsewhere: $('new-elsewhere'),
    latest: $('latest-body'), dashboard: $('dashboard'), orderStatus: $('order-status'), orderPaid: $('order-paid'),
    statsUpdated: $('stats-updated'), chartBars: $('chart-bars'), chartLabels: $('chart-labels'),
    chartMax: $('chart-max'), chart: $('chart'),
  };
}

function start(root) {
  const page = new AdminPage(root);
  page.follow();
  page.bindPageLife();
}

/** One back-office page: its modules, and what a feed event does to them. */
class AdminPage {
  constructor(root) {
    this.root = root;
    const cfg = (this.cfg = config(root.dataset));
    const texts = (this.texts = parseJSON(root.dataset.texts, {}) || {});
    const t = (this.t = makeT(texts));
    const fmt = makeFormats(cfg);
    const el = (this.el = elements());
    const getJSON = (url) => this.getJSON(url);
    this.ledger = new EventLedger({ cursor: cfg.cursor, epoch: cfg.epoch });
    this.feed = null;
    this.announce = createAnnouncer(el.announcer);
    this.toasts = createToasts(el.toasts, { t });
    this.title = createTitle(document);
    this.sound = createSound({ button: el.sound, t, probe });
    // A seller's rows offer no next step: the server would refuse it (403).
    const workflow = cfg.mayChange ? texts.workflow : withoutSteps(texts.workflow);
    this.list = new OrderList({ el, t, fmt, workflow, cfg, getJSON });
    this.stats = createStats({ el, t, fmt, getJSON, statsUrl: cfg.statsUrl });
    this.live = createLiveBar({ root, el, t, announce: this.announce, probe, onTick: () => this.list.expireHighlights() });
    this.notifier = createNotifier({
      button: el.notify, t, probe, lang: cfg.lang, icon: cfg.base + '/static/img/icon.svg', orderUrl: this.list.orderUrl,
    });
    this.lastPollAt = 0; // the last good poll this tab saw, its own or the leading tab's
    this.lastWaitMs = 0; // how long the server may hold the request after it (long-poll; 0: interval polling)
    this.selftest = createSelfTest({
      roots: document.querySelectorAll('[data-selftest]'), t, lang: cfg.lang, pollMs: cfg.pollMs, csrf: cfg.csrf,
      feed: () => this.feed, sound: this.sound, notifier: this.notifier, lastPoll: () => this.lastPollAt,
      lastWait: () => this.lastWaitMs, probe,
    });
  }

  /** A locale text as written, placeholders and all (toasts fill it themselves). */
  raw(key) {
    const s = lookup(this.texts, key);
    return typeof s === 'string' ? s : key;
  }

  sessionEnded() {
    if (this.feed) this.feed.stop();
    if (document.getElementById('session-ended')) return;
    const { cfg, t } = this;
    const next = window.location.pathname.slice(cfg.base.length) + window.location.search;
    const href = cfg.loginUrl + '?next=' + encodeURIComponent(next.startsWith('/') && !next.startsWith('//') ? next : '/admin/orders');
    this.root.after(h('p', { class: 'notice notice--warn session-ended', id: 'session-ended', role: 'alert' },
      t('feed.session_expired') + ' ', h('a', { href, text: t('feed.sign_in_again') })));
    this.live.setStatus({ ok: false });
  }

  async getJSON(url) {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      this.sessionEnded();
      throw new Error('signed out');
    }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json();
  }

  newOrder(o, leading, count) {
    if (!this.ledger.firstAlert(o.number)) return; // never twice, whatever the path
    const m = this.list.addOrder(o, count);
    const said = newOrderKey(o);
    const vars = { number: o.number, total: m.total, seller: said.seller };
    this.toasts.show(this.raw(said.key), vars, { href: m.url });
    this.announce(said.seller ? this.t(said.key, vars) + '.'
      : this.t('feed.announce_new', { number: o.number, customer: o.customer_name || '', total: m.total }));
    this.title.bump();
    if (leading) {
      this.sound.play();
      this.notifier.notify(o, m.total);
    }
  }

  changedOrder(ev, count) {
    const label = this.list.changeOrder(ev, count);
    if (label === null) return;
    const vars = { number: ev.order.number, status: label };
    this.toasts.show(this.raw('feed.order_changed'), vars, { href: window.location.pathname, kind: 'info' });
    this.announce(this.t('feed.order_changed', vars));
  }

  /**
   * The alert self-test's event: every alert a new order raises, in the
   * same places and as often (once per tab; sound and notification from the
   * polling tab only), but saying it is a test; no row, no count.
   */
  testAlert(ev, leading) {
    const said = bannerKey(ev.by);
    probe.testAlerts++;
    this.toasts.show(this.raw(said.key), said.vars, { kind: 'new' });
    this.announce(this.t(said.key, said.vars));
    this.title.bump();
    if (leading) {
      this.sound.play();
      this.notifier.test(this.t('selftest.notify_title'), this.t('selftest.notify_body'), 'ordersync-test-' + ev.id);
    }
    this.selftest.received(ev.id);
  }

  /**
   * A product at or below its low-stock mark: a quieter toast (no sound, no
   * title count), when the server's texts have words for it (feed.stock_low).
   */
  stockLow(p) {
    const words = lookup(this.texts, 'feed.stock_low');
    if (!p || typeof words !== 'string') return;
    const vars = { name: p.name || p.sku || '', sku: p.sku || '', stock: p.stock ?? '' };
    const href = Number.isSafeInteger(p.id) ? `${this.cfg.base}/admin/products/${p.id}` : null;
    this.toasts.show(words, vars, { href, kind: 'quiet' });
    this.announce(this.t('feed.stock_low', vars));
  }

  async refreshList() {
    const head = await this.list.refresh();
    if (head !== null) this.ledger.counted(head); // after a reset, ids start again
  }

  async reloadAll() {
    if (this.el.table) await this.refreshList();
    if (this.el.dashboard) await this.stats.refresh();
    this.announce(this.t('feed.reloaded'));
  }

  /** A batch of feed events, from the Worker (leading) or another tab. */
  applyEvents(events, { cursor, epoch, leading }) {
    for (const { ev, kind, counts } of this.ledger.take(events)) {
      probe.lastEvents.push(ev);
      if (probe.lastEvents.length > 50) probe.lastEvents.shift();
      if (kind === 'created') this.newOrder(ev.order, leading, counts);
      else if (kind === 'changed') this.changedOrder(ev, counts);
      else if (ev.type === 'stock_low') this.stockLow(ev.product);
      else if (ev.type === 'alert_test') this.testAlert(ev, leading);
    }
    this.list.updateSummary();
    this.stats.schedule();
    this.ledger.advance(cursor, epoch);
  }

  async reset({ cursor, epoch }, { leading }) {
    try {
      await this.reloadAll();
    } catch (err) {
      if (leading) throw err; // the Worker offers the reset again
      // A follower: the 30 s refresh will catch up.
    }
    this.ledger.reset(cursor, epoch);
  }

  follow() {
    const { cfg, ledger } = this;
    this.feed = createFeed({
      feedUrl: cfg.feedUrl, workerUrl: cfg.workerUrl, pollMs: cfg.pollMs,
      position: () => ({ cursor: ledger.cursor, epoch: ledger.epoch }),
      onLeader: () => this.root.classList.add('is-leader'),
      on: {
        events: async (events, pos) => this.applyEvents(events, pos),
        reset: (pos, how) => this.reset(pos, how),
        status: (s) => {
          if (s && s.ok) {
            this.lastPollAt = s.at || Date.now();
            this.lastWaitMs = s.waitMs > 0 ? s.waitMs : 0;
            probe.waitMs = this.lastWaitMs; // the browser tests read whether the feed long-polls
          }
          this.live.setStatus(s);
        },
        unauthorized: () => this.sessionEnded(),
      },
    });
  }

  bindPageLife() {
    const { el, title } = this;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        title.clear();
        this.feed.requestPoll();
      }
    });
    window.addEventListener('focus', title.clear);
    document.addEventListener('pointerdown', title.clear, { passive: true });
    document.addEventListener('keydown', title.clear);
    bindRefresh(el.refresh, {
      requestPoll: () => this.feed.requestPoll(),
      reload: () => (el.table ? this.refreshList() : el.dashboard ? this.stats.refresh() : undefined),
    });
    // The safety nets: the whole list every 30 s, the dashboard's figures every 60 s.
    if (el.table) setInterval(() => { this.refreshList().catch(() => {}); }, 30000);
    if (el.dashboard) {
      const ms = Number.parseInt(el.dashboard.dataset.refreshMs, 10) || 60000;
      setInterval(() => { this.stats.refresh().catch(() => {}); }, ms);
    }
  }
}

// Last: the classes above must exist before the page starts.
const root = document.getElementById('admin-live');
if (root) start(root);
