// ledger.js — which feed events the page has applied: events come once (by id,
// and never at or below the cursor the page was rendered at), a new order alerts
// once whatever path brought it, and an event moves the filter counts only when
// it is newer than the head the server counted them at. Pure (Node tests).

export const SEEN_MAX = 5000;

const safe = (n) => (Number.isSafeInteger(n) && n >= 0 ? n : null);

export class EventLedger {
  constructor({ cursor = null, epoch = null } = {}) {
    this.cursor = safe(cursor);
    this.epoch = epoch || null;
    this.seen = new Set();
    this.alerted = new Set();
    // The filter counts on the page include every event up to this id (the
    // feed head when the server counted them): later events move them.
    this.countedUpTo = this.cursor;
  }

  /**
   * The events of a batch still to apply, in the batch's order, each as
   * {ev, kind, counts}: kind 'created' (order_created), 'changed' (any other
   * event about an order) or 'other' (no order: stock_low, unknown types);
   * counts says whether it moves the filter counts. Marks them applied.
   */
  take(events) {
    const out = [];
    for (const ev of Array.isArray(events) ? events : []) {
      if (!ev || !Number.isSafeInteger(ev.id) || this.seen.has(ev.id)) continue;
      if (this.cursor !== null && ev.id <= this.cursor) continue; // the page already shows it
      this.seen.add(ev.id);
      if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value);
      const counts = this.countedUpTo === null || ev.id > this.countedUpTo;
      if (!ev.order || !ev.order.number) out.push({ ev, kind: 'other', counts });
      else out.push({ ev, kind: ev.type === 'order_created' ? 'created' : 'changed', counts });
    }
    return out;
  }

  /** True the first time an order number is offered for an alert, false after. */
  firstAlert(number) {
    if (this.alerted.has(number)) return false;
    this.alerted.add(number);
    return true;
  }

  /** The feed's position after a batch: the cursor only moves forward. */
  advance(cursor, epoch) {
    const c = safe(cursor);
    if (c !== null && (this.cursor === null || c > this.cursor)) this.cursor = c;
    if (epoch) this.epoch = epoch;
  }

  /** After a reset (the list was reloaded): ids start again from `cursor`. */
  reset(cursor, epoch) {
    this.cursor = safe(cursor);
    if (epoch) this.epoch = epoch;
    this.seen.clear();
  }

  /** The server recounted the filters at feed head `head`. */
  counted(head) {
    const c = safe(head);
    if (c !== null) this.countedUpTo = c;
  }
}
