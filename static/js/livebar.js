// livebar.js — the live bar above the list: "Live" or the offline badge, "Updated
// N s ago" ticking each second, and the Refresh button. agoText() and LiveState
// are pure (Node tests); createLiveBar() binds them to the page.

/** "Updated just now / N s ago / N min ago" for the last good poll at `lastOk` (ms); '' before the first. */
export function agoText(t, lastOk, now) {
  if (!lastOk) return '';
  const n = Math.max(0, Math.floor((now - lastOk) / 1000));
  if (n < 2) return t('feed.updated_now');
  if (n < 60) return t('feed.updated_ago', { n });
  return t('feed.updated_min', { n: Math.floor(n / 60) });
}

/**
 * Online or offline, from the feed's status reports ({ok, at}). update()
 * returns true when the state flipped (the page then says so aloud).
 */
export class LiveState {
  constructor() {
    this.lastOk = 0;
    this.offline = false;
  }

  update(s, now) {
    const was = this.offline;
    if (s && s.ok) {
      this.lastOk = s.at || now;
      this.offline = false;
    } else {
      this.offline = true;
    }
    return this.offline !== was;
  }
}

/**
 * Binds the live bar: root (#admin-live), el {state, label, offline, ago},
 * announce(msg), probe (counts good polls), onTick() run each second.
 * Returns {setStatus(s), tick()}.
 */
export function createLiveBar({ root, el, t, announce, probe, onTick = () => {} }) {
  const live = new LiveState();
  el.state.hidden = false;

  function tick() {
    el.ago.textContent = agoText(t, live.lastOk, Date.now());
    onTick();
  }

  function setStatus(s) {
    const flipped = live.update(s, Date.now());
    if (s && s.ok) probe.polls++;
    el.offline.hidden = !live.offline;
    el.label.textContent = live.offline ? '' : t('feed.live');
    root.classList.toggle('is-offline', live.offline);
    root.classList.toggle('is-live', !live.offline);
    if (flipped) announce(live.offline ? t('feed.offline') : t('feed.live'));
    tick();
  }

  setInterval(tick, 1000);
  return { setStatus, tick };
}

/**
 * The Refresh link: asks the feed at once and reloads what the page shows
 * (`reload()` → a promise); busy for a moment so a click shows. Without
 * JavaScript it is a plain link to the same page.
 */
export function bindRefresh(button, { requestPoll, reload }) {
  button.addEventListener('click', (e) => {
    e.preventDefault();
    button.classList.add('is-busy');
    requestPoll();
    Promise.resolve()
      .then(reload)
      .catch(() => {})
      .finally(() => setTimeout(() => button.classList.remove('is-busy'), 400));
  });
}
