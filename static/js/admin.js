// admin.js — the back office in the browser. Follows the change feed (from a
// dedicated Worker, one tab per browser), raises alerts for new orders (toast,
// sound, notification, tab title, aria-live), keeps the order list and the
// dashboard current. Plain ES module; every page works without it.
import { Poller } from './poller.js?v=1';

// Hooks for the browser tests (harmless in production).
const probe = (window.__ordersync = window.__ordersync || {
  sounds: 0, notifications: 0, polls: 0, lastEvents: [],
});

const root = document.getElementById('admin-live');
if (root) start(root);

function start(root) {
  const d = root.dataset;
  const cfg = {
    feedUrl: d.feedUrl,
    statsUrl: d.statsUrl,
    ordersUrl: d.ordersUrl,
    loginUrl: d.loginUrl,
    workerUrl: d.workerUrl,
    epoch: d.epoch || null,
    cursor: Number.parseInt(d.cursor, 10),
    pollMs: Number.parseInt(d.pollMs, 10) || 5000,
    lang: d.lang || document.documentElement.lang || 'en',
    currency: d.currency || 'EUR',
    tz: d.tz || undefined,
    csrf: d.csrf || '',
  };
  cfg.base = cfg.ordersUrl.replace(/\/admin\/orders$/, '');
  let texts = {};
  try { texts = JSON.parse(d.texts || '{}'); } catch { texts = {}; }

  const $ = (sel) => document.querySelector(sel);
  const el = {
    state: $('#live-state'), label: $('#live-label'), offline: $('#live-offline'), ago: $('#live-ago'),
    refresh: $('#live-refresh'), sound: $('#sound-toggle'), notify: $('#notify-enable'),
    toasts: $('#toasts'), announcer: $('#announcer'),
    table: $('#orders-table'), body: $('#orders-body'), empty: $('#orders-empty'),
    summary: $('#orders-summary'), elsewhere: $('#new-elsewhere'),
    latest: $('#latest-body'), dashboard: $('#dashboard'), orderStatus: $('#order-status'),
    statsUpdated: $('#stats-updated'), chartBars: $('#chart-bars'), chartLabels: $('#chart-labels'),
    chartMax: $('#chart-max'), chart: $('#chart'),
  };

  // ---- words and formats ----

  /** A locale text by dotted key, with {name} placeholders filled. */
  function t(key, vars) {
    let s = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), texts);
    if (typeof s !== 'string') s = key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
  }
  const intlLang = cfg.lang === 'fr' ? 'fr-FR' : 'en-GB';
  function withTz(opts) {
    try {
      new Intl.DateTimeFormat(intlLang, { ...opts, timeZone: cfg.tz });
      return { ...opts, timeZone: cfg.tz };
    } catch {
      return opts;
    }
  }
  const fmtDay = new Intl.DateTimeFormat('en-CA', withTz({ year: 'numeric', month: '2-digit', day: '2-digit' }));
  const fmtTime = new Intl.DateTimeFormat(intlLang, withTz({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  const fmtDateTime = new Intl.DateTimeFormat(intlLang, withTz(cfg.lang === 'fr'
    ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  const priceFormats = new Map();
  function price(cents, currency) {
    const cur = currency || cfg.currency;
    if (!priceFormats.has(cur)) {
      try {
        priceFormats.set(cur, new Intl.NumberFormat(intlLang, { style: 'currency', currency: cur }));
      } catch {
        priceFormats.set(cur, { format: (v) => `${v.toFixed(2)} ${cur}` });
      }
    }
    return priceFormats.get(cur).format((Number(cents) || 0) / 100);
  }
  function localTime(iso) {
    const dt = new Date(iso);
    if (Number.isNaN(dt.getTime())) return '';
    return fmtDay.format(dt) === fmtDay.format(new Date()) ? fmtTime.format(dt) : fmtDateTime.format(dt);
  }
  const statusLabel = (s) => t('status.' + s);

  // ---- small DOM helper ----

  function h(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') n.textContent = v;
      else n.setAttribute(k, v === true ? '' : String(v));
    }
    for (const k of kids) if (k !== null && k !== undefined) n.append(k);
    return n;
  }

  // ---- live state: "Updated N s ago", offline badge ----

  let lastOk = 0;
  let offline = false;
  el.state.hidden = false;
  function setStatus(s) {
    const wasOffline = offline;
    if (s.ok) {
      lastOk = s.at || Date.now();
      offline = false;
      probe.polls++;
    } else {
      offline = true;
    }
    el.offline.hidden = !offline;
    el.label.textContent = offline ? '' : t('feed.live');
    root.classList.toggle('is-offline', offline);
    root.classList.toggle('is-live', !offline);
    if (offline !== wasOffline) announce(offline ? t('feed.offline') : t('feed.live'));
    tickAgo();
  }
  function tickAgo() {
    if (!lastOk) {
      el.ago.textContent = '';
    } else {
      const n = Math.max(0, Math.floor((Date.now() - lastOk) / 1000));
      el.ago.textContent = n < 2 ? t('feed.updated_now')
        : n < 60 ? t('feed.updated_ago', { n }) : t('feed.updated_min', { n: Math.floor(n / 60) });
    }
    expireHighlights();
  }
  setInterval(tickAgo, 1000);

  // ---- announcements, toasts, the tab title ----

  function announce(msg) {
    el.announcer.textContent = '';
    // A fresh text node after a beat, so the same words are announced again.
    setTimeout(() => { el.announcer.textContent = msg; }, 50);
  }

  function toast(message, href, kind = 'new') {
    const close = h('button', { type: 'button', class: 'toast__close', 'aria-label': t('feed.dismiss') }, '×');
    const box = h('div', { class: `toast toast--${kind}` },
      h('p', { class: 'toast__text', text: message }),
      href ? h('a', { class: 'toast__link', href, text: t('feed.view') }) : null,
      close);
    close.addEventListener('click', () => box.remove());
    el.toasts.prepend(box);
    while (el.toasts.children.length > 4) el.toasts.lastElementChild.remove();
    setTimeout(() => box.remove(), 15000);
  }

  const baseTitle = document.title;
  let unseen = 0;
  function bumpTitle() {
    unseen++;
    document.title = `(${unseen}) ${baseTitle}`;
  }
  function clearTitle() {
    if (!unseen) return;
    unseen = 0;
    document.title = baseTitle;
  }

  // ---- sound: Web Audio, a toggle remembered in localStorage ----

  const SOUND_KEY = 'ordersync.sound';
  let soundOn = true;
  try { soundOn = localStorage.getItem(SOUND_KEY) !== 'off'; } catch { soundOn = true; }
  let audio = null;
  function audioCtx() {
    if (audio) return audio;
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    try { audio = new AC(); } catch { audio = null; }
    return audio;
  }
  // Browsers start an AudioContext only after a gesture: resume it on the first one.
  function unlockAudio() {
    const c = audioCtx();
    if (c && c.state !== 'running') c.resume().catch(() => {});
  }
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlockAudio, { passive: true });

  async function playSound() {
    if (!soundOn) return false;
    const c = audioCtx();
    if (!c) return false;
    if (c.state !== 'running') {
      await Promise.race([c.resume().catch(() => {}), new Promise((r) => setTimeout(r, 300))]);
    }
    if (c.state !== 'running') return false;
    const t0 = c.currentTime + 0.01;
    for (const [freq, at] of [[880, 0], [1318.5, 0.17]]) {
      const osc = c.createOscillator();
      const gain = c.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.35);
      osc.connect(gain).connect(c.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + 0.4);
    }
    probe.sounds++;
    return true;
  }

  // The label says the state ("Sound on" / "Sound off"), so no aria-pressed as well.
  function renderSound() {
    el.sound.hidden = false;
    el.sound.dataset.on = soundOn ? '1' : '0';
    el.sound.textContent = soundOn ? t('feed.sound_on') : t('feed.sound_off');
  }
  el.sound.addEventListener('click', () => {
    soundOn = !soundOn;
    try { localStorage.setItem(SOUND_KEY, soundOn ? 'on' : 'off'); } catch { /* private mode */ }
    renderSound();
    if (soundOn) playSound();
  });
  renderSound();

  // ---- browser notifications: asked for only from a click ----

  function renderNotify() {
    if (!('Notification' in window)) {
      el.notify.hidden = true;
      return;
    }
    const p = Notification.permission;
    el.notify.hidden = false;
    el.notify.textContent = p === 'granted' ? t('feed.notify_on') : p === 'denied' ? t('feed.notify_blocked') : t('feed.notify_enable');
    el.notify.disabled = p !== 'default';
    el.notify.classList.toggle('is-on', p === 'granted');
  }
  el.notify.addEventListener('click', async () => {
    try { await Notification.requestPermission(); } catch { /* old callback API: ignore */ }
    renderNotify();
  });
  renderNotify();

  function notify(order, total) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(t('feed.new_order_title'), {
        body: t('feed.new_order_body', { number: order.number, customer: order.customer_name || '', total }),
        tag: order.number,
        lang: cfg.lang,
        icon: cfg.base + '/static/img/icon.svg',
      });
      n.onclick = () => {
        window.focus();
        window.location.href = orderUrl(order.number);
        n.close();
      };
      probe.notifications++;
    } catch { /* e.g. Chrome on Android wants a service worker: the toast is enough */ }
  }

  // ---- rows: the same markup as templates/admin_order_row.mustache ----

  const orderUrl = (number) => cfg.ordersUrl + '/' + encodeURIComponent(number);
  function nextAction(status) {
    if (status === 'pending') return { to: 'processing', label: t('admin.action_accept') };
    if (status === 'processing') return { to: 'completed', label: t('admin.action_complete') };
    return null;
  }
  function modelFromEvent(o) {
    return {
      number: o.number,
      url: orderUrl(o.number),
      status: o.status,
      status_label: statusLabel(o.status),
      customer_name: o.customer_name || '',
      items_count: o.items_count ?? '',
      total: price(o.total_cents, o.currency),
      created_at: o.created_at || '',
      created_local: localTime(o.created_at),
      next_action: nextAction(o.status),
    };
  }
  function actionForm(url, action, returnTo) {
    if (!action) return null;
    return h('form', { method: 'post', action: url + '/status' },
      h('input', { type: 'hidden', name: 'csrf', value: cfg.csrf }),
      h('input', { type: 'hidden', name: 'status', value: action.to }),
      h('input', { type: 'hidden', name: 'return_to', value: returnTo }),
      h('button', { class: `btn btn--small btn--step btn--to-${action.to}`, type: 'submit', text: action.label }));
  }
  function renderRow(o, returnTo) {
    const tr = h('tr', { class: 'order-row', id: 'order-' + o.number, 'data-number': o.number, 'data-status': o.status },
      h('th', { scope: 'row', class: 'order-row__number', 'data-label': t('admin.col_number') },
        h('a', { class: 'order-link', href: o.url, text: o.number }),
        o.show_store ? h('span', { class: 'store-tag', text: o.store_name }) : null),
      h('td', { class: 'order-row__time', 'data-label': t('admin.col_time') },
        h('time', { datetime: o.created_at, text: o.created_local })),
      h('td', { class: 'order-row__customer', 'data-label': t('admin.col_customer'), text: o.customer_name }),
      h('td', { class: 'num order-row__items', 'data-label': t('admin.col_items'), text: String(o.items_count) }),
      h('td', { class: 'num order-row__total', 'data-label': t('admin.col_total'), text: o.total }),
      h('td', { class: 'order-row__status', 'data-label': t('admin.col_status') },
        h('span', { class: `badge badge--${o.status}`, text: o.status_label })),
      h('td', { class: 'order-row__actions' }, actionForm(o.url, o.next_action, returnTo)));
    if (highlighted.has(o.number)) tr.classList.add('is-new');
    return tr;
  }
  function updateRow(tr, status) {
    tr.dataset.status = status;
    const badge = tr.querySelector('.badge');
    if (badge) {
      badge.className = `badge badge--${status}`;
      badge.textContent = statusLabel(status);
    }
    const cell = tr.querySelector('.order-row__actions');
    if (cell) {
      const link = tr.querySelector('.order-link');
      const returnTo = cell.querySelector('input[name="return_to"]')?.value || returnPath();
      cell.replaceChildren();
      const f = actionForm(link ? link.getAttribute('href') : orderUrl(tr.dataset.number), nextAction(status), returnTo);
      if (f) cell.append(f);
    }
    const filter = el.table ? el.table.dataset.filter : '';
    tr.classList.toggle('is-stale', Boolean(filter) && filter !== status);
    tr.classList.remove('is-updated');
    void tr.offsetWidth; // restart the flash animation
    tr.classList.add('is-updated');
  }
  const returnPath = () => (el.table ? el.table.dataset.returnTo : '/admin') || '/admin';

  // Rows prepended live stay highlighted until they have been on a visible screen 30 s.
  const highlighted = new Map(); // number -> time the highlight ends (0: not yet seen)
  function expireHighlights() {
    if (document.visibilityState !== 'visible') return;
    const now = Date.now();
    for (const [number, until] of highlighted) {
      if (until === 0) highlighted.set(number, now + 30000);
      else if (until <= now) {
        highlighted.delete(number);
        for (const tr of document.querySelectorAll(`tr[data-number="${CSS.escape(number)}"]`)) tr.classList.remove('is-new');
      }
    }
  }

  function bumpCount(status, delta) {
    for (const s of ['', status]) {
      const c = document.querySelector(`[data-count-status="${s}"]`);
      if (c) c.textContent = String(Math.max(0, (Number.parseInt(c.textContent, 10) || 0) + delta));
    }
  }

  // "Orders 1–N of M" under the list, kept true as rows arrive or leave the
  // filter: N counts the rows shown from the page's first position (data-from),
  // M is the current filter's count. Not on ?before= pages (no data-from),
  // where the server shows no summary.
  function updateSummary() {
    const p = el.summary;
    if (!p || !el.body) return;
    const from = Number.parseInt(p.dataset.from, 10);
    if (!Number.isSafeInteger(from) || from < 1) return;
    const shown = el.body.querySelectorAll('tr.order-row:not(.is-stale)').length;
    const filter = el.table ? el.table.dataset.filter || '' : '';
    const c = document.querySelector(`[data-count-status="${CSS.escape(filter)}"]`);
    const counted = c ? Number.parseInt(c.textContent, 10) : Number.NaN;
    const to = from + shown - 1;
    const total = Number.isSafeInteger(counted) ? Math.max(counted, to) : to;
    p.textContent = shown > 0 ? t('admin.showing', { from, to, total }) : '';
  }
  const matchesFilter = (status) => !el.table || !el.table.dataset.filter || el.table.dataset.filter === status;

  // ---- applying events ----

  let cursor = Number.isSafeInteger(cfg.cursor) ? cfg.cursor : null;
  let epoch = cfg.epoch;
  const seenEvents = new Set();
  const alerted = new Set();
  const liveOrders = new Map(); // orders learnt from the feed, oldest first
  // The filter counts on the page include every event up to this id (the
  // feed head when the server counted them): later events move them.
  let countedUpTo = cursor;
  const moveCounts = (ev) => countedUpTo === null || ev.id > countedUpTo;

  function applyEvents(events, leading) {
    for (const ev of events) {
      if (!ev || !Number.isSafeInteger(ev.id) || seenEvents.has(ev.id)) continue;
      if (cursor !== null && ev.id <= cursor) continue; // the page already shows it
      seenEvents.add(ev.id);
      probe.lastEvents.push(ev);
      if (probe.lastEvents.length > 50) probe.lastEvents.shift();
      if (!ev.order || !ev.order.number) continue;
      if (ev.type === 'order_created') newOrder(ev.order, leading, moveCounts(ev));
      else changedOrder(ev, moveCounts(ev));
    }
    updateSummary();
    if (el.dashboard) scheduleStats();
  }
  function advance(c, e) {
    if (Number.isSafeInteger(c) && (cursor === null || c > cursor)) cursor = c;
    if (e) epoch = e;
  }

  function newOrder(o, leading, count) {
    if (alerted.has(o.number)) return; // never twice, whatever the path
    alerted.add(o.number);
    const m = modelFromEvent(o);
    liveOrders.set(o.number, m);
    highlighted.set(o.number, 0);
    placeRow(m, count);
    const total = m.total;
    toast(t('feed.new_order', { number: o.number, total }), m.url);
    announce(t('feed.announce_new', { number: o.number, customer: o.customer_name || '', total }));
    bumpTitle();
    if (leading) {
      playSound();
      notify(o, total);
    }
  }

  function placeRow(m, count) {
    const exists = document.querySelector(`tr[data-number="${CSS.escape(m.number)}"]`);
    if (el.table && el.body) {
      if (!exists && count) bumpCount(m.status, +1);
      if (el.table.dataset.liveList === '1' && matchesFilter(m.status)) {
        if (!exists) el.body.prepend(renderRow(m, returnPath()));
        if (el.empty) el.empty.hidden = true;
      } else if (el.elsewhere) {
        el.elsewhere.hidden = false;
      }
    } else if (el.latest && !exists) {
      el.latest.prepend(renderRow(m, '/admin'));
      while (el.latest.children.length > 6) el.latest.lastElementChild.remove();
    }
  }

  function changedOrder(ev, count) {
    const o = ev.order;
    const to = ev.to || o.status;
    const from = ev.from || null;
    const live = liveOrders.get(o.number);
    if (live) {
      live.status = to;
      live.status_label = statusLabel(to);
      live.next_action = nextAction(to);
    }
    // An order this page does not show still moves the counts; a row that
    // already shows the new status was listed (and counted) after the change.
    const rows = document.querySelectorAll(`tr[data-number="${CSS.escape(o.number)}"]`);
    let changed = rows.length === 0;
    for (const tr of rows) {
      if (tr.dataset.status !== to) {
        changed = true;
        updateRow(tr, to);
      }
    }
    if (changed && count && from && from !== to) {
      bumpCount(from, -1);
      bumpCount(to, +1);
    }
    const badge = el.orderStatus;
    if (badge && badge.dataset.number === o.number && badge.dataset.status !== to) {
      badge.dataset.status = to;
      badge.className = `badge badge--lg badge--${to}`;
      badge.textContent = statusLabel(to);
      const msg = t('feed.order_changed', { number: o.number, status: statusLabel(to) });
      toast(msg, window.location.pathname, 'info');
      announce(msg);
    }
  }

  // ---- refreshing the list and the dashboard from the server ----

  function sessionEnded() {
    stopFeed();
    if (document.getElementById('session-ended')) return;
    const next = window.location.pathname.slice(cfg.base.length) + window.location.search;
    const href = cfg.loginUrl + '?next=' + encodeURIComponent(next.startsWith('/') && !next.startsWith('//') ? next : '/admin/orders');
    const box = h('p', { class: 'notice notice--warn session-ended', id: 'session-ended', role: 'alert' },
      t('feed.session_expired') + ' ', h('a', { href, text: t('feed.sign_in_again') }));
    root.after(box);
    setStatus({ ok: false });
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

  async function refreshList() {
    if (!el.table || !el.body) return;
    const m = await getJSON(el.table.dataset.listUrl || window.location.href);
    const rows = Array.isArray(m.orders) ? m.orders : [];
    const listed = new Set(rows.map((r) => r.number));
    const frag = document.createDocumentFragment();
    // Orders the feed brought after the server read the list stay on top.
    if (el.table.dataset.liveList === '1') {
      for (const live of [...liveOrders.values()].reverse()) {
        if (!listed.has(live.number) && matchesFilter(live.status)) frag.append(renderRow(live, returnPath()));
      }
    }
    for (const r of rows) frag.append(renderRow(r, returnPath()));
    el.body.replaceChildren(frag);
    for (const n of listed) liveOrders.delete(n);
    if (el.empty) el.empty.hidden = el.body.children.length > 0;
    if (Array.isArray(m.filters)) {
      for (const f of m.filters) {
        const c = document.querySelector(`[data-count-status="${f.status || ''}"]`);
        if (c) c.textContent = String(f.count);
      }
      const head = Number.parseInt(m.live && m.live.cursor, 10);
      if (Number.isSafeInteger(head)) countedUpTo = head; // after a reset, ids start again
    }
    if (el.summary) {
      if (Number.isSafeInteger(m.summary_from)) el.summary.dataset.from = String(m.summary_from);
      if (typeof m.summary === 'string') el.summary.textContent = m.summary;
      updateSummary();
    }
  }

  let statsTimer = null;
  function scheduleStats() {
    if (!el.dashboard || statsTimer) return;
    statsTimer = setTimeout(() => {
      statsTimer = null;
      refreshStats().catch(() => {});
    }, 1500);
  }

  async function refreshStats() {
    if (!el.dashboard) return;
    const s = await getJSON(cfg.statsUrl);
    const set = (name, value) => {
      for (const n of document.querySelectorAll(`[data-stat="${name}"]`)) n.textContent = String(value);
    };
    set('orders_today', s.today.orders);
    set('revenue', s.today.revenue || price(s.today.revenue_cents, s.currency));
    set('cancelled_text', t('dashboard.cancelled_today', { n: s.today.cancelled }));
    set('pending', s.pending);
    set('processing', s.processing);
    set('admins_polling', s.admins_polling);
    set('polls_per_minute', Number(s.polls_per_minute).toFixed(1));
    set('rate_note', t(s.polls_per_minute_source === 'measured' ? 'dashboard.measured' : 'dashboard.nominal'));
    drawChart(s.orders_per_hour || []);
    if (el.statsUpdated) el.statsUpdated.textContent = t('dashboard.updated', { time: fmtTime.format(new Date()) });
  }

  // The same geometry as chart() in cgi/admin.c.
  const SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    const n = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function drawChart(hours) {
    if (!el.chartBars || !hours.length) return;
    const max = Math.max(0, ...hours.map((x) => x.count));
    const word = el.chart ? el.chart.dataset.ordersWord || '' : '';
    const bars = [];
    const labels = [];
    hours.forEach((hr, i) => {
      let ht = max > 0 ? Math.ceil((hr.count * 120) / max) : 0;
      if (hr.count > 0 && ht < 3) ht = 3;
      const rect = svg('rect', {
        class: 'chart__bar' + (i === hours.length - 1 ? ' chart__bar--current' : ''),
        x: i * 20 + 3, y: 14 + 120 - ht, width: 14, height: ht, rx: 2,
      });
      rect.append(svg('title', {}, `${hr.label} — ${hr.count} ${word}`));
      bars.push(rect);
      if ((hours.length - 1 - i) % 4 === 0) {
        labels.push(svg('text', { class: 'chart__label', x: i * 20 + 10, y: 154, 'text-anchor': 'middle' }, hr.label));
      }
    });
    el.chartBars.replaceChildren(...bars);
    if (el.chartLabels) el.chartLabels.replaceChildren(...labels);
    if (el.chartMax) el.chartMax.textContent = String(max);
  }

  async function reloadAll() {
    if (el.table) await refreshList();
    if (el.dashboard) await refreshStats();
    announce(t('feed.reloaded'));
  }

  // ---- the feed: one polling tab per browser, the others follow it ----

  const channelName = 'ordersync-feed ' + new URL(cfg.feedUrl, window.location.href).pathname;
  const bc = 'BroadcastChannel' in window ? new BroadcastChannel(channelName) : null;
  let leading = false;
  let feed = null;

  const onFeed = {
    async events(events, c, e) {
      applyEvents(events, true);
      advance(c, e);
      if (bc) bc.postMessage({ type: 'events', events, cursor: c, epoch: e });
    },
    async reset(c, e) {
      await reloadAll();
      cursor = c;
      epoch = e;
      seenEvents.clear();
      if (bc) bc.postMessage({ type: 'reset', cursor: c, epoch: e });
    },
    status(s) {
      setStatus(s);
      if (bc) bc.postMessage({ type: 'status', ok: s.ok, at: s.at });
    },
    unauthorized() {
      sessionEnded();
      if (bc) bc.postMessage({ type: 'unauthorized' });
    },
  };

  function pagePoller() {
    const p = new Poller({
      url: cfg.feedUrl, epoch, cursor, pollMs: cfg.pollMs,
      fetch: (u, init) => fetch(u, init),
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (x) => clearTimeout(x),
      now: () => Date.now(),
      onEvents: (events, plan) => onFeed.events(events, plan.cursor, plan.epoch),
      onReset: (plan) => onFeed.reset(plan.cursor, plan.epoch),
      onStatus: (s) => onFeed.status(s),
      onUnauthorized: () => onFeed.unauthorized(),
    });
    p.start();
    return { pollNow: () => p.pollNow(), stop: () => p.stop() };
  }

  function workerPoller() {
    const w = new Worker(cfg.workerUrl, { type: 'module' });
    let failed = false;
    w.onmessage = async (e) => {
      const m = e.data || {};
      if (m.type === 'events' || m.type === 'reset') {
        try {
          if (m.type === 'events') await onFeed.events(m.events || [], m.cursor, m.epoch);
          else await onFeed.reset(m.cursor, m.epoch);
          w.postMessage({ type: 'ack', seq: m.seq });
        } catch (err) {
          w.postMessage({ type: 'nack', seq: m.seq, error: String(err) });
        }
      } else if (m.type === 'status') {
        onFeed.status(m);
      } else if (m.type === 'unauthorized') {
        onFeed.unauthorized();
      }
    };
    // No module workers here, or the script failed: poll from the page instead.
    w.onerror = (e) => {
      if (e && e.preventDefault) e.preventDefault();
      if (failed) return;
      failed = true;
      w.terminate();
      feed = pagePoller();
    };
    w.postMessage({ type: 'start', url: cfg.feedUrl, epoch, cursor, pollMs: cfg.pollMs });
    return { pollNow: () => w.postMessage({ type: 'poll-now' }), stop: () => w.terminate() };
  }

  function startFeed() {
    leading = true;
    root.classList.add('is-leader');
    try {
      feed = 'Worker' in window && cfg.workerUrl ? workerPoller() : pagePoller();
    } catch {
      feed = pagePoller();
    }
  }
  function stopFeed() {
    if (feed) feed.stop();
    feed = null;
  }
  function requestPoll() {
    if (leading && feed) feed.pollNow();
    else if (bc) bc.postMessage({ type: 'poll-now' });
  }

  if (bc) {
    bc.onmessage = async (e) => {
      const m = e.data || {};
      if (m.type === 'poll-now') {
        if (leading && feed) feed.pollNow();
      } else if (leading) {
        // Another tab leads only when we do not: ignore stray messages.
      } else if (m.type === 'events') {
        applyEvents(m.events || [], false);
        advance(m.cursor, m.epoch);
      } else if (m.type === 'reset') {
        try { await reloadAll(); } catch { /* the 30 s refresh will catch up */ }
        cursor = m.cursor;
        epoch = m.epoch;
      } else if (m.type === 'status') {
        setStatus(m);
      } else if (m.type === 'unauthorized') {
        sessionEnded();
      }
    };
  }

  // Leader election: whoever holds the lock polls; when its tab closes the lock
  // passes to a waiting tab, which starts from the cursor it has followed.
  if (bc && navigator.locks && navigator.locks.request) {
    navigator.locks.request(channelName, () => new Promise(() => startFeed()));
  } else {
    startFeed();
  }

  // ---- page life ----

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      clearTitle();
      requestPoll();
    }
  });
  window.addEventListener('focus', clearTitle);
  document.addEventListener('pointerdown', clearTitle, { passive: true });
  document.addEventListener('keydown', clearTitle);

  el.refresh.addEventListener('click', (e) => {
    e.preventDefault();
    el.refresh.classList.add('is-busy');
    requestPoll();
    const work = el.table ? refreshList() : el.dashboard ? refreshStats() : Promise.resolve();
    work.catch(() => {}).finally(() => setTimeout(() => el.refresh.classList.remove('is-busy'), 400));
  });

  // The safety nets: the whole list every 30 s, the dashboard's figures every 60 s.
  if (el.table) setInterval(() => { refreshList().catch(() => {}); }, 30000);
  if (el.dashboard) {
    const ms = Number.parseInt(el.dashboard.dataset.refreshMs, 10) || 60000;
    setInterval(() => { refreshStats().catch(() => {}); }, ms);
  }
}
