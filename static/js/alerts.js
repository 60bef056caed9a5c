// alerts.js — how the back office tells staff about an order: toasts (at most
// three; each leaves after 10 s, paused while the pointer or focus is on them),
// a sound (Web Audio, a toggle remembered in localStorage), a browser
// notification (asked for only from a click), the count in the tab title and
// the aria-live announcer. ToastQueue and TitleCount are pure (Node tests).
import { h } from './dom.js?v=1';
import { fillParts, newOrderKey } from './texts.js?v=2';

export const TOAST_MAX = 3;
export const TOAST_LIFE_MS = 10000;
/** A toast the pointer leaves gets at least this long again before it goes. */
export const TOAST_RESUME_MS = 2000;

/**
 * The toasts' bookkeeping, without the DOM: ids oldest first, each with the
 * time it has left. push() returns the new id and the ids pushed out (the
 * oldest, beyond `max`); pause()/resume() stop and restart every clock;
 * expired(now) removes and returns the ids whose time is up; nextDue(now) is
 * the wait until the next one is (null: none, or paused).
 */
export class ToastQueue {
  constructor({ max = TOAST_MAX, lifeMs = TOAST_LIFE_MS, resumeMs = TOAST_RESUME_MS } = {}) {
    this.max = max;
    this.lifeMs = lifeMs;
    this.resumeMs = resumeMs;
    this.items = []; // {id, left, since}: `left` ms counted from `since`
    this.paused = false;
    this.seq = 0;
  }

  get ids() {
    return this.items.map((x) => x.id);
  }

  push(now) {
    const id = ++this.seq;
    this.items.push({ id, left: this.lifeMs, since: now });
    const evicted = [];
    while (this.items.length > this.max) evicted.push(this.items.shift().id);
    return { id, evicted };
  }

  remove(id) {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    if (!this.items.length) this.paused = false;
    return true;
  }

  pause(now) {
    if (this.paused) return;
    for (const x of this.items) x.left -= now - x.since;
    this.paused = true;
  }

  resume(now) {
    if (!this.paused) return;
    this.paused = false;
    for (const x of this.items) {
      x.left = Math.max(x.left, this.resumeMs);
      x.since = now;
    }
  }

  remaining(x, now) {
    return this.paused ? x.left : x.left - (now - x.since);
  }

  expired(now) {
    if (this.paused) return [];
    const gone = this.items.filter((x) => this.remaining(x, now) <= 0).map((x) => x.id);
    for (const id of gone) this.remove(id);
    return gone;
  }

  nextDue(now) {
    if (this.paused || !this.items.length) return null;
    return Math.max(0, Math.min(...this.items.map((x) => this.remaining(x, now))));
  }
}

/**
 * The toast region's DOM side. show(template, vars, {href, kind}) puts a toast
 * on top; the `number` placeholder becomes <span class="toast__number"> (one
 * token on one line, see admin.css). Returns {show, count}.
 */
export function createToasts(region, { t, clock = defaultClock() }) {
  const q = new ToastQueue();
  const nodes = new Map();
  let timer = null;
  let hovered = false;

  const arm = () => {
    clock.clearTimeout(timer);
    timer = null;
    const ms = q.nextDue(clock.now());
    if (ms !== null) timer = clock.setTimeout(sweep, ms + 20);
  };
  const drop = (id) => {
    q.remove(id);
    const n = nodes.get(id);
    nodes.delete(id);
    if (n) n.remove();
  };
  function sweep() {
    for (const id of q.expired(clock.now())) drop(id);
    arm();
  }
  const focusInside = () => region.contains(document.activeElement);
  const hold = () => {
    q.pause(clock.now());
    arm();
  };
  const release = () => {
    if (hovered || focusInside()) return;
    q.resume(clock.now());
    arm();
  };
  region.addEventListener('pointerenter', () => { hovered = true; hold(); });
  region.addEventListener('pointerleave', () => { hovered = false; release(); });
  region.addEventListener('focusin', hold);
  region.addEventListener('focusout', (e) => {
    if (!e.relatedTarget || !region.contains(e.relatedTarget)) setTimeout(release, 0);
  });

  function body(template, vars) {
    const p = h('p', { class: 'toast__text' });
    for (const part of fillParts(template, vars)) {
      if ('text' in part) p.append(part.text);
      else if (part.name === 'number') p.append(h('span', { class: 'toast__number', text: part.value }));
      else p.append(part.value);
    }
    return p;
  }

  function show(template, vars, { href = null, kind = 'new' } = {}) {
    // A pointer that left while the region vanished under it sent no pointerleave.
    if (hovered && !region.matches(':hover')) hovered = false;
    if (q.paused) release();
    const { id, evicted } = q.push(clock.now());
    const close = h('button', { type: 'button', class: 'toast__close', 'aria-label': t('feed.dismiss') }, '×');
    const box = h('div', { class: `toast toast--${kind}` },
      body(template, vars),
      href ? h('a', { class: 'toast__link', href, text: t('feed.view') }) : null,
      close);
    close.addEventListener('click', () => {
      drop(id);
      arm();
    });
    nodes.set(id, box);
    region.prepend(box);
    for (const old of evicted) drop(old);
    if (!q.ids.length) hovered = false;
    arm();
    return id;
  }

  return { show, count: () => nodes.size };
}

const defaultClock = () => ({
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (x) => clearTimeout(x),
  now: () => Date.now(),
});

/** Says `msg` through an aria-live element (again, even when the words repeat). */
export function createAnnouncer(el) {
  return (msg) => {
    if (!el) return;
    el.textContent = '';
    // A fresh text node after a beat, so the same words are announced again.
    setTimeout(() => { el.textContent = msg; }, 50);
  };
}

/** "(N) title" for N orders not yet looked at; pure. bump() and clear() return the new title (clear: null when unchanged). */
export class TitleCount {
  constructor(base) {
    this.base = base;
    this.unseen = 0;
  }

  bump() {
    this.unseen++;
    return `(${this.unseen}) ${this.base}`;
  }

  clear() {
    if (!this.unseen) return null;
    this.unseen = 0;
    return this.base;
  }
}

/** The tab title's count, on `doc.title`: {bump(), clear()}. */
export function createTitle(doc) {
  const c = new TitleCount(doc.title);
  return {
    bump: () => { doc.title = c.bump(); },
    clear: () => {
      const s = c.clear();
      if (s !== null) doc.title = s;
    },
  };
}

const SOUND_KEY = 'ordersync.sound';

/**
 * The new-order sound and its toggle button (its label states the state, so
 * no aria-pressed). Returns {play()} — resolves true when a sound started —
 * and state() for the self-test: {supported, on, running, played}.
 */
export function createSound({ button, t, probe }) {
  let on = true;
  try { on = localStorage.getItem(SOUND_KEY) !== 'off'; } catch { on = true; }
  let audio = null;
  let played = false;
  const ctx = () => {
    if (audio) return audio;
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    try { audio = new AC(); } catch { audio = null; }
    return audio;
  };
  // Browsers start an AudioContext only after a gesture: resume it on the first one.
  const unlock = () => {
    const c = ctx();
    if (c && c.state !== 'running') c.resume().catch(() => {});
  };
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlock, { passive: true });

  async function play() {
    if (!on) return false;
    const c = ctx();
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
    played = true;
    return true;
  }

  const render = () => {
    button.hidden = false;
    button.dataset.on = on ? '1' : '0';
    button.textContent = on ? t('feed.sound_on') : t('feed.sound_off');
  };
  button.addEventListener('click', () => {
    on = !on;
    try { localStorage.setItem(SOUND_KEY, on ? 'on' : 'off'); } catch { /* private mode */ }
    render();
    if (on) play();
  });
  render();
  const state = () => ({
    supported: !!(window.AudioContext || window.webkitAudioContext),
    on,
    running: !!audio && audio.state === 'running',
    played,
  });
  return { play, state };
}

/** A new order's notification text: "CMD-… from Léa — 24,50 €" for a counter order, else with the customer. */
export function bodyOf(t, order, total) {
  const said = newOrderKey(order, 'feed.new_order_body', 'feed.new_order_body_from');
  if (said.seller) return t(said.key, { number: order.number, seller: said.seller, total });
  return t('feed.new_order_body', { number: order.number, customer: order.customer_name || '', total });
}

/**
 * Browser notifications and their button (permission asked only from a
 * click). Returns {notify(order, total)}, clicking a notification opens
 * orderUrl(number); test(title, body, tag), the self-test's, which only
 * brings the tab forward; permission() ('granted', 'denied', 'default' or
 * 'unsupported'); and ask(), which asks (from a click) and resolves with it.
 */
export function createNotifier({ button, t, probe, lang, icon, orderUrl }) {
  const supported = 'Notification' in window;
  const render = () => {
    if (!supported) {
      button.hidden = true;
      return;
    }
    const p = Notification.permission;
    button.hidden = false;
    button.textContent = p === 'granted' ? t('feed.notify_on') : p === 'denied' ? t('feed.notify_blocked') : t('feed.notify_enable');
    button.disabled = p !== 'default';
    button.classList.toggle('is-on', p === 'granted');
  };
  const permission = () => (supported ? Notification.permission : 'unsupported');
  async function ask() {
    if (!supported) return 'unsupported';
    try { await Notification.requestPermission(); } catch { /* old callback API: ignore */ }
    render();
    return permission();
  }
  button.addEventListener('click', ask);
  render();

  function test(title, body, tag) {
    if (permission() !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag, lang, icon });
      n.onclick = () => {
        window.focus();
        n.close();
      };
      probe.notifications++;
    } catch { /* as in notify() */ }
  }

  function notify(order, total) {
    if (!supported || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(t('feed.new_order_title'), {
        body: bodyOf(t, order, total),
        tag: order.number,
        lang,
        icon,
      });
      n.onclick = () => {
        window.focus();
        window.location.href = orderUrl(order.number);
        n.close();
      };
      probe.notifications++;
    } catch { /* e.g. Chrome on Android wants a service worker: the toast is enough */ }
  }
  return { notify, test, permission, ask };
}
