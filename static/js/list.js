// list.js — the order list in the browser: rows with the same markup as
// templates/admin_order_row.mustache, new rows prepended and highlighted,
// status changes applied in place (badge, next-step button, filter counts,
// "Orders 1–N of M"), the whole list reloaded from the server, the order
// page's status badge, and the Paid / Part-paid / Unpaid badges on payment events. rowModel(), summaryText(), bumpedCount() and Highlights
// are pure (Node tests); OrderList binds them to the page.
import { h } from './dom.js?v=1';
import { nextAction } from './workflow.js?v=1';

export const HIGHLIGHT_MS = 30000;
export const LATEST_ROWS = 6;

/**
 * The paid badge of an order: 'paid', 'part' or 'unpaid', as the server's
 * payment_badge() (cgi/payment.c) decides from the feed's total_cents and
 * paid_cents; null when paid_cents is not known.
 */
export function payBadge(total, paid) {
  if (!Number.isSafeInteger(paid)) return null;
  if (paid <= 0) return total === 0 ? 'paid' : 'unpaid';
  return paid >= total ? 'paid' : 'part';
}

/**
 * The row's paid badge model ({badge, label}), or null: unknown sums, and
 * statuses whose workflow entry says paid_badge: false (cancelled) show none.
 */
export function payModel(o, status, payLabel, workflow) {
  const w = workflow && workflow[status];
  const badge = w && w.paid_badge === false ? null : payBadge(o.total_cents, o.paid_cents);
  return badge === null ? null : { badge, label: payLabel(badge) };
}

/**
 * A row's view model from a feed event's order, like the server's: url, labels,
 * formatted total and time, and the next step the server's workflow names.
 * ctx: {orderUrl(number), statusLabel(status), price(cents, currency),
 * localTime(iso), workflow}.
 */
export function rowModel(o, ctx) {
  return {
    number: o.number,
    url: ctx.orderUrl(o.number),
    status: o.status,
    status_label: ctx.statusLabel(o.status),
    customer_name: o.customer_name || '',
    items_count: o.items_count ?? '',
    total: ctx.price(o.total_cents, o.currency),
    created_at: o.created_at || '',
    created_local: ctx.localTime(o.created_at),
    next_action: nextAction(ctx.workflow, o.status),
    paid_cents: o.paid_cents ?? '',
    pay: ctx.payLabel ? payModel(o, o.status, ctx.payLabel, ctx.workflow) : null,
  };
}

/**
 * The summary under the list, "Orders from–to of total": `from` is the page's
 * first position (data-from), `shown` the rows in the filter, `counted` the
 * filter's count (NaN when unknown). null: leave it (no data-from, as on
 * ?before= pages); '' when nothing is shown.
 */
export function summaryText(t, from, shown, counted) {
  if (!Number.isSafeInteger(from) || from < 1) return null;
  if (shown <= 0) return '';
  const to = from + shown - 1;
  const total = Number.isSafeInteger(counted) ? Math.max(counted, to) : to;
  return t('admin.showing', { from, to, total });
}

/** A filter count's text after adding `delta` (never below 0; unreadable counts as 0). */
export function bumpedCount(text, delta) {
  return String(Math.max(0, (Number.parseInt(text, 10) || 0) + delta));
}

/**
 * Rows prepended live stay highlighted until they have been on a visible
 * screen for HIGHLIGHT_MS: the clock starts the first time the page is seen.
 */
export class Highlights {
  constructor(holdMs = HIGHLIGHT_MS) {
    this.holdMs = holdMs;
    this.until = new Map(); // number -> end of the highlight (0: not yet seen)
  }

  add(number) {
    this.until.set(number, 0);
  }

  has(number) {
    return this.until.has(number);
  }

  /** The numbers whose highlight ends now (forgotten); nothing while the page is hidden. */
  expire(now, visible) {
    if (!visible) return [];
    const done = [];
    for (const [number, until] of this.until) {
      if (until === 0) this.until.set(number, now + this.holdMs);
      else if (until <= now) done.push(number);
    }
    for (const n of done) this.until.delete(n);
    return done;
  }
}

const byNumber = (number) => document.querySelectorAll(`tr[data-number="${CSS.escape(number)}"]`);
const countEl = (status) => document.querySelector(`[data-count-status="${CSS.escape(status)}"]`);

/**
 * The list's DOM side. el: {table, body, empty, summary, elsewhere, latest,
 * orderStatus} (any may be null); cfg: {ordersUrl, csrf}; fmt from
 * texts.makeFormats; workflow: the server's {status: {next, action, final}};
 * getJSON(url) → the answer.
 */
export class OrderList {
  constructor({ el, t, fmt, workflow, cfg, getJSON }) {
    this.el = el;
    this.t = t;
    this.workflow = workflow;
    this.cfg = cfg;
    this.getJSON = getJSON;
    this.orderUrl = (number) => cfg.ordersUrl + '/' + encodeURIComponent(number);
    this.statusLabel = (s) => t('status.' + s);
    this.payLabel = (b) => t('pay_badge.' + b);
    this.ctx = { orderUrl: this.orderUrl, statusLabel: this.statusLabel, payLabel: this.payLabel, price: fmt.price, localTime: fmt.localTime, workflow };
    this.highlights = new Highlights();
    this.liveOrders = new Map(); // orders learnt from the feed, oldest first
  }

  get filter() {
    return this.el.table ? this.el.table.dataset.filter || '' : '';
  }

  get returnPath() {
    return (this.el.table ? this.el.table.dataset.returnTo : '/admin') || '/admin';
  }

  matchesFilter(status) {
    return !this.filter || this.filter === status;
  }

  actionForm(url, action, returnTo) {
    if (!action) return null;
    return h('form', { method: 'post', action: url + '/status' },
      h('input', { type: 'hidden', name: 'csrf', value: this.cfg.csrf }),
      h('input', { type: 'hidden', name: 'status', value: action.to }),
      h('input', { type: 'hidden', name: 'return_to', value: returnTo }),
      h('button', { class: `btn btn--small btn--step btn--to-${action.to}`, type: 'submit', text: action.label }));
  }

  renderRow(o, returnTo) {
    const t = this.t;
    const cell = (cls, col, ...kids) => h('td', { class: cls, 'data-label': t('admin.' + col) }, ...kids);
    const tr = h('tr', { class: 'order-row', id: 'order-' + o.number, 'data-number': o.number, 'data-status': o.status },
      h('th', { scope: 'row', class: 'order-row__number', 'data-label': t('admin.col_number') },
        h('a', { class: 'order-link', href: o.url, text: o.number }),
        o.show_store ? h('span', { class: 'store-tag', text: o.store_name }) : null),
      cell('order-row__time', 'col_time', h('time', { datetime: o.created_at, text: o.created_local })),
      cell('order-row__customer', 'col_customer', o.customer_name),
      cell('num order-row__items', 'col_items', String(o.items_count)),
      cell('num order-row__total', 'col_total', o.total),
      cell('order-row__status', 'col_status', h('span', { class: `badge badge--${o.status}`, text: o.status_label }),
        o.pay ? ' ' : null, o.pay ? this.payBadgeEl(o.pay, o.paid_cents) : null),
      h('td', { class: 'order-row__actions' }, this.actionForm(o.url, o.next_action, returnTo)));
    if (this.highlights.has(o.number)) tr.classList.add('is-new');
    return tr;
  }

  payBadgeEl(pay, paid) {
    return h('span', { class: `badge pay-badge pay-badge--${pay.badge}`, 'data-paid': paid, text: pay.label });
  }

  /**
   * An order's paid badge from a feed event (payment_created, _completed,
   * _refunded; any event carrying paid_cents): its rows and the order page's badge.
   */
  changePaid(o, status) {
    const pay = payModel(o, status, this.payLabel, this.workflow);
    const live = this.liveOrders.get(o.number);
    if (live && Number.isSafeInteger(o.paid_cents)) {
      live.paid_cents = o.paid_cents;
      live.pay = pay;
    }
    if (payBadge(o.total_cents, o.paid_cents) === null) return;
    for (const tr of byNumber(o.number)) {
      const old = tr.querySelector('.pay-badge');
      if (old && old.previousSibling && old.previousSibling.nodeType === 3) old.previousSibling.remove();
      if (old) old.remove();
      const cell = tr.querySelector('.order-row__status');
      if (pay && cell) cell.append(' ', this.payBadgeEl(pay, o.paid_cents));
    }
    const big = this.el.orderPaid;
    if (big && big.dataset.number === o.number) {
      const b = payBadge(o.total_cents, o.paid_cents);
      big.dataset.paid = String(o.paid_cents);
      big.className = `badge badge--lg pay-badge pay-badge--${b}`;
      big.textContent = this.payLabel(b);
    }
  }

  updateRow(tr, status) {
    tr.dataset.status = status;
    const badge = tr.querySelector('.badge');
    if (badge) {
      badge.className = `badge badge--${status}`;
      badge.textContent = this.statusLabel(status);
    }
    const cell = tr.querySelector('.order-row__actions');
    if (cell) {
      const link = tr.querySelector('.order-link');
      const returnTo = cell.querySelector('input[name="return_to"]')?.value || this.returnPath;
      const url = link ? link.getAttribute('href') : this.orderUrl(tr.dataset.number);
      cell.replaceChildren();
      const f = this.actionForm(url, nextAction(this.workflow, status), returnTo);
      if (f) cell.append(f);
    }
    tr.classList.toggle('is-stale', Boolean(this.filter) && this.filter !== status);
    tr.classList.remove('is-updated');
    void tr.offsetWidth; // restart the flash animation
    tr.classList.add('is-updated');
  }

  bumpCount(status, delta) {
    for (const s of new Set(['', status])) {
      const c = countEl(s);
      if (c) c.textContent = bumpedCount(c.textContent, delta);
    }
  }

  updateSummary() {
    const p = this.el.summary;
    if (!p || !this.el.body) return;
    const c = countEl(this.filter);
    const s = summaryText(this.t, Number.parseInt(p.dataset.from, 10),
      this.el.body.querySelectorAll('tr.order-row:not(.is-stale)').length,
      c ? Number.parseInt(c.textContent, 10) : Number.NaN);
    if (s !== null) p.textContent = s;
  }

  expireHighlights() {
    for (const number of this.highlights.expire(Date.now(), document.visibilityState === 'visible')) {
      for (const tr of byNumber(number)) tr.classList.remove('is-new');
    }
  }

  /** A new order from the feed: its row, highlighted, where this page shows orders. Returns its model. */
  addOrder(o, count) {
    const { el } = this;
    const m = rowModel(o, this.ctx);
    this.liveOrders.set(o.number, m);
    this.highlights.add(o.number);
    const exists = byNumber(m.number).length > 0;
    if (el.table && el.body) {
      if (!exists && count) this.bumpCount(m.status, +1);
      if (el.table.dataset.liveList === '1' && this.matchesFilter(m.status)) {
        if (!exists) el.body.prepend(this.renderRow(m, this.returnPath));
        if (el.empty) el.empty.hidden = true;
      } else if (el.elsewhere) {
        el.elsewhere.hidden = false;
      }
    } else if (el.latest && !exists) {
      el.latest.prepend(this.renderRow(m, '/admin'));
      while (el.latest.children.length > LATEST_ROWS) el.latest.lastElementChild.remove();
    }
    return m;
  }

  /**
   * A changed order: its rows in place, the counts, and the order page's
   * badge. Returns the new status's label when that badge changed, else null.
   */
  changeOrder(ev, count) {
    const o = ev.order;
    const to = ev.to || o.status;
    const from = ev.from || null;
    const live = this.liveOrders.get(o.number);
    if (live) {
      live.status = to;
      live.status_label = this.statusLabel(to);
      live.next_action = nextAction(this.workflow, to);
    }
    // An order this page does not show still moves the counts; a row that
    // already shows the new status was listed (and counted) after the change.
    const rows = byNumber(o.number);
    let changed = rows.length === 0;
    for (const tr of rows) {
      if (tr.dataset.status !== to) {
        changed = true;
        this.updateRow(tr, to);
      }
    }
    if (changed && count && from && from !== to) {
      this.bumpCount(from, -1);
      this.bumpCount(to, +1);
    }
    this.changePaid(o, to);
    return this.changeBadge(o.number, to);
  }

  /** The order page's big badge, when it shows this order: the new status's label, or null. */
  changeBadge(number, to) {
    const badge = this.el.orderStatus;
    if (!badge || badge.dataset.number !== number || badge.dataset.status === to) return null;
    badge.dataset.status = to;
    badge.className = `badge badge--lg badge--${to}`;
    badge.textContent = this.statusLabel(to);
    return this.statusLabel(to);
  }

  /** Reloads the list from the server; returns the feed head its counts were taken at (or null). */
  async refresh() {
    const { el } = this;
    if (!el.table || !el.body) return null;
    const m = await this.getJSON(el.table.dataset.listUrl || window.location.href);
    const rows = Array.isArray(m.orders) ? m.orders : [];
    const listed = new Set(rows.map((r) => r.number));
    const frag = document.createDocumentFragment();
    // Orders the feed brought after the server read the list stay on top.
    if (el.table.dataset.liveList === '1') {
      for (const live of [...this.liveOrders.values()].reverse()) {
        if (!listed.has(live.number) && this.matchesFilter(live.status)) frag.append(this.renderRow(live, this.returnPath));
      }
    }
    for (const r of rows) frag.append(this.renderRow(r, this.returnPath));
    el.body.replaceChildren(frag);
    for (const n of listed) this.liveOrders.delete(n);
    if (el.empty) el.empty.hidden = el.body.children.length > 0;
    this.showCounts(m);
    return Array.isArray(m.filters) ? safeHead(m) : null;
  }

  /** The filter counts and the summary of a list answer. */
  showCounts(m) {
    for (const f of Array.isArray(m.filters) ? m.filters : []) {
      const c = countEl(f.status || '');
      if (c) c.textContent = String(f.count);
    }
    if (this.el.summary) {
      if (Number.isSafeInteger(m.summary_from)) this.el.summary.dataset.from = String(m.summary_from);
      if (typeof m.summary === 'string') this.el.summary.textContent = m.summary;
      this.updateSummary();
    }
  }
}

function safeHead(m) {
  const head = Number.parseInt(m.live && m.live.cursor, 10);
  return Number.isSafeInteger(head) ? head : null;
}
