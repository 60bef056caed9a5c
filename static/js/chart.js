// chart.js — the dashboard's figures and its orders-per-hour chart, refreshed
// from GET /admin/api/stats. chartGeometry() and statValues() are pure (Node
// tests); createStats() writes them into the page.
import { h, svg } from './dom.js?v=1';

export const CHART_HEIGHT = 120;
export const CHART_TOP = 14;
export const BAR_STEP = 20;
export const BAR_WIDTH = 14;
export const BAR_MIN = 3;

/**
 * The chart's shapes for [{label, count}] (oldest hour first), with the same
 * geometry as chart() in cgi/admin.c: {max, bars: [{x, y, width, height,
 * current, title}], labels: [{x, y, text}]} — a label every fourth hour,
 * counted back from the current one; a non-empty hour is never thinner than
 * BAR_MIN.
 */
export function chartGeometry(hours, word = '') {
  const list = Array.isArray(hours) ? hours : [];
  const max = Math.max(0, ...list.map((x) => Number(x.count) || 0));
  const bars = [];
  const labels = [];
  list.forEach((hr, i) => {
    const count = Number(hr.count) || 0;
    let height = max > 0 ? Math.ceil((count * CHART_HEIGHT) / max) : 0;
    if (count > 0 && height < BAR_MIN) height = BAR_MIN;
    bars.push({
      x: i * BAR_STEP + 3,
      y: CHART_TOP + CHART_HEIGHT - height,
      width: BAR_WIDTH,
      height,
      current: i === list.length - 1,
      title: `${hr.label} — ${count} ${word}`,
    });
    if ((list.length - 1 - i) % 4 === 0) labels.push({ x: i * BAR_STEP + 10, y: 154, text: String(hr.label) });
  });
  return { max, bars, labels };
}

/** A money figure: the server's text when it sent one, else its cents formatted; undefined when absent. */
function money(text, cents, currency, price) {
  if (text) return text;
  return typeof cents === 'number' ? price(cents, currency) : undefined;
}

/** The [data-stat] figures from a stats answer: [[name, text], ...]. */
export function statValues(s, t, price) {
  const today = (s && s.today) || {};
  const week = (s && s.week) || {};
  const takings = money(today.takings || today.revenue,
    typeof today.takings_cents === 'number' ? today.takings_cents : today.revenue_cents, s.currency, price);
  return [
    ['orders_today', today.orders],
    ['takings', takings],
    ['revenue', takings],
    ['left_to_collect', money(s.left_to_collect, s.left_to_collect_cents, s.currency, price)],
    ['week_takings', money(week.takings, week.takings_cents, s.currency, price)],
    ['cancelled_text', t('dashboard.cancelled_today', { n: today.cancelled })],
    ['pending', s.pending],
    ['processing', s.processing],
    ['processing_text', s.processing === undefined ? undefined : t('dashboard.processing_text', { n: s.processing })],
    ['admins_polling', s.admins_polling],
    ['polls_per_minute', Number(s.polls_per_minute).toFixed(1)],
    ['rate_note', t(s.polls_per_minute_source === 'measured' ? 'dashboard.measured' : 'dashboard.nominal')],
    ['poll_ms', s.poll_ms],
  ].filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]);
}

/**
 * The rows of the week's best sellers and of the low-stock list from a stats
 * answer: {best: [{name, qty, amount}], low: [{name, sku, url, out, stock}]},
 * each undefined when the answer lacks it (the page keeps what it shows).
 */
export function statLists(s, price) {
  const best = Array.isArray(s && s.best_sellers) ? s.best_sellers.map((b) => ({
    name: String(b.name), qty: Number(b.qty) || 0,
    amount: money(b.amount, b.amount_cents, s.currency, price) || '',
  })) : undefined;
  const low = Array.isArray(s && s.low_stock) ? s.low_stock.map((p) => ({
    name: String(p.name), sku: String(p.sku), url: p.url || null, out: Boolean(p.out),
    stock: Number(p.stock) || 0,
  })) : undefined;
  return { best, low };
}

/** Fills list (an <ol>/<ul> with data-none) with rows made by make, or its "none" line. */
function fillList(list, rows, make, noneClass) {
  if (!list || !rows) return;
  if (!rows.length) {
    list.replaceChildren(h('li', { class: noneClass + ' muted', text: list.dataset.none || '' }));
    return;
  }
  list.replaceChildren(...rows.map(make));
}

/** Writes statLists(s) into #best-sellers and #low-stock when the page has them. */
function drawLists(s, price) {
  const { best, low } = statLists(s, price);
  fillList(document.getElementById('best-sellers'), best, (b) => h('li', { class: 'best-list__item' },
    h('span', { class: 'best-list__what' }, h('span', { class: 'best-list__name', text: b.name }), ' ',
      h('span', { class: 'best-list__qty', text: '×' + b.qty })), ' ',
    h('span', { class: 'best-list__amount', text: b.amount })), 'best-list__none');
  const lowList = document.getElementById('low-stock');
  fillList(lowList, low, (p) => h('li', { class: 'low-stock__item' },
    h('span', { class: 'low-stock__name' }, p.url ? h('a', { href: p.url, text: p.name }) : p.name), ' ',
    h('span', { class: 'mono low-stock__sku', text: p.sku }), ' ',
    h('span', { class: 'badge badge--low' + (p.out ? ' badge--out' : ''),
      text: p.out ? (lowList.dataset.out || '0') : String(p.stock) })), 'low-stock__none');
}

/**
 * The dashboard's refresh: el {dashboard, chart, chartBars, chartLabels,
 * chartMax, statsUpdated}, getJSON(url) → the answer. Returns {refresh()
 * (a promise), schedule() (one refresh 1.5 s later, however many calls)}.
 */
export function createStats({ el, t, fmt, getJSON, statsUrl }) {
  let timer = null;

  function draw(hours) {
    if (!el.chartBars || !hours.length) return;
    const g = chartGeometry(hours, el.chart ? el.chart.dataset.ordersWord || '' : '');
    el.chartBars.replaceChildren(...g.bars.map((b) => {
      const rect = svg('rect', {
        class: 'chart__bar' + (b.current ? ' chart__bar--current' : ''),
        x: b.x, y: b.y, width: b.width, height: b.height, rx: 2,
      });
      rect.append(svg('title', {}, b.title));
      return rect;
    }));
    if (el.chartLabels) {
      el.chartLabels.replaceChildren(...g.labels.map((l) =>
        svg('text', { class: 'chart__label', x: l.x, y: l.y, 'text-anchor': 'middle' }, l.text)));
    }
    if (el.chartMax) el.chartMax.textContent = String(g.max);
  }

  async function refresh() {
    if (!el.dashboard) return;
    const s = await getJSON(statsUrl);
    for (const [name, value] of statValues(s, t, fmt.price)) {
      for (const n of document.querySelectorAll(`[data-stat="${name}"]`)) n.textContent = value;
    }
    draw(Array.isArray(s.orders_per_hour) ? s.orders_per_hour : []);
    drawLists(s, fmt.price);
    if (el.statsUpdated) el.statsUpdated.textContent = t('dashboard.updated', { time: fmt.time(new Date()) });
  }

  function schedule() {
    if (!el.dashboard || timer) return;
    timer = setTimeout(() => {
      timer = null;
      refresh().catch(() => {});
    }, 1500);
  }

  return { refresh, schedule };
}
