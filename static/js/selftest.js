// selftest.js — "Will I hear the next order?": sends a test alert through the
// feed (POST /admin/notifications/selftest) and checks this browser — sound
// unlocked, notification permission, a tab polling, the polling Worker alive —
// and whether the test event came back to this tab in time. checklist(),
// RoundTrip and selfTestKeys are pure (Node tests); createSelfTest() binds
// them to every [data-selftest] panel of the page (templates/admin_selftest.mustache).
import { h } from './dom.js?v=1';
import { elides } from './texts.js?v=2';

/** The test event must be back within this many poll intervals. */
export const TRIP_POLLS = 3;
/** A tab that polled longer ago than this many intervals (plus the long-poll's wait) is not polling. */
export const STALE_POLLS = 2;

/**
 * The four checks, each {key, ok, text, vars, action}: text is a locale key
 * (selftest.*), action 'ask' offers the notification permission button.
 *   sound: {supported, on, running, played} (alerts.js createSound().state())
 *   permission: 'granted' | 'denied' | 'default' | 'unsupported'
 *   leading: this tab polls; lastPollAt: ms of the last good poll this tab
 *     saw (its own or the leader's), 0 for none; pollMs; now; waitMs: how long
 *     the server may hold the request after it (a long-poll; 0 when polling
 *     on a timer), so a held request is not taken for a dead tab
 *   worker: 'worker' | 'page' | 'none' (feed-client ping), undefined: asking
 */
export function checklist({ sound, permission, leading, lastPollAt, pollMs, waitMs = 0, worker, now }) {
  const out = [];
  const s = sound || {};
  if (!s.supported) out.push({ key: 'sound', ok: false, text: 'selftest.sound_none' });
  else if (!s.on) out.push({ key: 'sound', ok: false, text: 'selftest.sound_off' });
  else if (s.running || s.played) out.push({ key: 'sound', ok: true, text: 'selftest.sound_ok' });
  else out.push({ key: 'sound', ok: false, text: 'selftest.sound_locked' });

  if (permission === 'granted') out.push({ key: 'notify', ok: true, text: 'selftest.notify_ok' });
  else if (permission === 'denied') out.push({ key: 'notify', ok: false, text: 'selftest.notify_denied' });
  else if (permission === 'default') out.push({ key: 'notify', ok: false, text: 'selftest.notify_default', action: 'ask' });
  else out.push({ key: 'notify', ok: false, text: 'selftest.notify_none' });

  if (!lastPollAt) out.push({ key: 'leader', ok: false, text: 'selftest.leader_none' });
  else {
    const age = Math.max(0, now - lastPollAt);
    const n = Math.floor(age / 1000);
    if (age > STALE_POLLS * pollMs + (waitMs > 0 ? waitMs : 0)) out.push({ key: 'leader', ok: false, text: 'selftest.leader_stale', vars: { n } });
    else {
      const text = (leading ? 'selftest.leader_self' : 'selftest.leader_other') + (n < 2 ? '_now' : '');
      out.push({ key: 'leader', ok: true, text, vars: { n } });
    }
  }

  if (worker === 'worker') out.push({ key: 'worker', ok: true, text: 'selftest.worker_ok' });
  else if (worker === 'page') out.push({ key: 'worker', ok: false, text: 'selftest.worker_page' });
  else if (worker === 'none') out.push({ key: 'worker', ok: false, text: 'selftest.worker_dead' });
  else out.push({ key: 'worker', ok: null, text: 'selftest.worker_ok', pending: true });
  return out;
}

/**
 * One test alert's trip: start(now) when the button is pressed, sent(id)
 * when the server named the event, received(id, now) for each alert_test
 * the feed brings (before sent() too: the feed may be faster than the POST's
 * answer), fail() when it could not be sent. state(now): null before any
 * start; {state: 'wait'}, {state: 'ok', ms}, {state: 'late', ms: limit} or
 * {state: 'failed'}.
 */
export class RoundTrip {
  constructor(limitMs) {
    this.limitMs = limitMs;
    this.startedAt = null;
    this.id = null;
    this.early = new Map(); // id → ms, alerts that came before sent() named ours
    this.tookMs = null;
    this.failed = false;
  }

  start(now) {
    this.startedAt = now;
    this.id = null;
    this.early.clear();
    this.tookMs = null;
    this.failed = false;
  }

  sent(id) {
    if (this.startedAt === null || this.failed) return;
    this.id = id;
    if (this.early.has(id)) this.tookMs = this.early.get(id) - this.startedAt;
    this.early.clear();
  }

  received(id, now) {
    if (this.startedAt === null || this.tookMs !== null || this.failed) return;
    if (this.id === null) {
      if (this.early.size < 50) this.early.set(id, now);
    } else if (id === this.id) {
      this.tookMs = now - this.startedAt;
    }
  }

  fail() {
    if (this.startedAt !== null && this.tookMs === null) this.failed = true;
  }

  state(now) {
    if (this.startedAt === null) return null;
    if (this.failed) return { state: 'failed' };
    if (this.tookMs !== null && this.tookMs <= this.limitMs) return { state: 'ok', ms: Math.max(0, this.tookMs) };
    if (this.tookMs !== null || now - this.startedAt > this.limitMs) return { state: 'late', ms: this.limitMs };
    return { state: 'wait' };
  }
}

/** The banner's locale key and its words' variables for a test alert sent by `by` ("" when unknown). */
export function bannerKey(by) {
  const name = by ? String(by) : '';
  if (!name) return { key: 'selftest.banner', vars: {} };
  return { key: elides(name) ? 'selftest.banner_by_vowel' : 'selftest.banner_by', vars: { by: name } };
}

/** The trip's line: {ok, text, vars} (seconds with one decimal in lang), or null before a test. */
export function tripLine(st, lang) {
  if (!st) return null;
  const secs = (ms) => new Intl.NumberFormat(lang || 'en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000);
  if (st.state === 'ok') return { ok: true, text: 'selftest.trip_ok', vars: { s: secs(st.ms) } };
  if (st.state === 'late') return { ok: false, text: 'selftest.trip_late', vars: { s: secs(st.ms) } };
  if (st.state === 'failed') return { ok: false, text: 'selftest.trip_failed' };
  return { ok: null, text: 'selftest.trip_wait' };
}

/** Every locale key this module may show (tests check both languages have them). */
export const selfTestKeys = [
  'sound_ok', 'sound_locked', 'sound_off', 'sound_none', 'notify_ok', 'notify_default', 'notify_ask',
  'notify_denied', 'notify_none', 'leader_self', 'leader_other', 'leader_self_now', 'leader_other_now', 'leader_stale', 'leader_none',
  'worker_ok', 'worker_page', 'worker_dead', 'trip_wait', 'trip_ok', 'trip_late', 'trip_failed',
  'banner', 'banner_by', 'banner_by_vowel', 'notify_title', 'notify_body',
].map((k) => 'selftest.' + k);

const MARK = { true: '✓', false: '!', null: '…' };

/**
 * Binds the panels. opts: roots (the [data-selftest] elements), t, lang,
 * pollMs, csrf, feed() (the feed client, or null before it starts), sound,
 * notifier (alerts.js), lastPoll() (ms of the last good poll), lastWait() (its
 * status's waitMs: how long the request after it may be held), probe.
 * Returns {received(id)}: admin.js calls it for every alert_test it applies.
 */
export function createSelfTest({ roots, t, lang, pollMs, csrf, feed, sound, notifier, lastPoll, lastWait = () => 0, probe = {} }) {
  const panels = Array.from(roots || []);
  const trip = new RoundTrip(TRIP_POLLS * pollMs);
  let worker; // undefined until a ping answers
  let pingedAt = 0;
  let timer = null;

  const visible = () => panels.some((p) => p.getClientRects().length > 0);

  function ping() {
    const f = feed();
    if (!f || !f.ping) return;
    pingedAt = Date.now();
    f.ping(Math.min(2000, pollMs)).then((where) => { worker = where; render(); });
  }

  function item(c) {
    const li = h('li', { class: `selftest__check selftest__check--${c.ok === true ? 'ok' : c.ok === false ? 'fix' : 'wait'}`, 'data-check': c.key, 'data-ok': String(c.ok) },
      h('span', { class: 'selftest__mark', 'aria-hidden': 'true', text: MARK[c.ok] }),
      h('span', { class: 'selftest__text', text: t(c.text, c.vars) }));
    if (c.action === 'ask') {
      const b = h('button', { type: 'button', class: 'btn btn--small selftest__ask', text: t('selftest.notify_ask') });
      b.addEventListener('click', () => notifier.ask().then(render));
      li.append(' ', b);
    }
    return li;
  }

  function render() {
    const now = Date.now();
    const f = feed();
    const checks = checklist({
      sound: sound.state(), permission: notifier.permission(), leading: !!(f && f.isLeading()),
      lastPollAt: lastPoll(), pollMs, waitMs: lastWait(), worker, now,
    });
    const line = tripLine(trip.state(now), lang);
    if (line) checks.push({ key: 'trip', ...line });
    probe.selftest = { checks, trip: trip.state(now) };
    for (const p of panels) {
      const list = p.querySelector('[data-selftest-checks]');
      if (!list) continue;
      list.hidden = false;
      list.replaceChildren(...checks.map(item));
    }
    const st = trip.state(now);
    if (st && st.state === 'wait') arm(250);
  }

  function arm(ms) {
    if (timer) return;
    timer = setTimeout(() => { timer = null; render(); }, ms);
  }

  async function send(form, button) {
    trip.start(Date.now());
    ping();
    render();
    button.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)).toString(),
        credentials: 'same-origin',
      });
      const body = res.status === 202 ? await res.json() : null;
      if (body && Number.isSafeInteger(body.event)) trip.sent(body.event);
      else trip.fail();
    } catch {
      trip.fail();
    } finally {
      button.disabled = false;
    }
    render();
  }

  for (const p of panels) {
    const form = p.querySelector('[data-selftest-form]');
    if (form) {
      const button = form.querySelector('button[type="submit"]');
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        send(form, button);
      });
    }
    const pop = p.closest('details');
    if (pop) pop.addEventListener('toggle', () => { if (pop.open) { ping(); render(); } });
  }
  // While a panel shows: the ages tick, the Worker is asked again now and then.
  setInterval(() => {
    if (!visible()) return;
    if (Date.now() - pingedAt > 10000) ping();
    render();
  }, 1000);
  if (visible()) {
    ping();
    render();
  }

  return {
    received(id) {
      trip.received(id, Date.now());
      render();
    },
  };
}
