// order-status.js — keeps the customer's confirmation page's status live
// (status-watch.js polls): shows a change without a reload and announces it
// (aria-live). Labels, help texts and which statuses are final come from the
// server (data-statuses, JSON): the workflow's rules live in C. Without
// JavaScript the page reloads itself every 30 s (<noscript><meta refresh>).
import { StatusWatch } from './status-watch.js?v=3';
import { parseJSON } from './texts.js?v=2';
import { statusInfo } from './workflow.js?v=1';

const el = document.querySelector('[data-order-status]');
if (el && el.dataset.url) start(el);

function start(el) {
  const statuses = parseJSON(el.dataset.statuses, {}) || {};

  function show(status) {
    const info = statusInfo(statuses, status);
    const badge = document.querySelector('[data-status-badge]');
    if (badge) {
      badge.className = `badge badge--${status} badge--flash`;
      badge.textContent = info.label;
    }
    const help = document.querySelector('[data-status-help]');
    if (help) help.textContent = info.help;
    const live = document.querySelector('[data-status-live]');
    if (live) live.textContent = (el.dataset.changed || '{status}').replace('{status}', info.label);
    const note = document.querySelector('[data-status-note]');
    if (note && info.final) note.hidden = true;
  }

  const watch = new StatusWatch({
    url: el.dataset.url,
    status: el.dataset.status,
    statuses,
    pollMs: el.dataset.pollMs,
    fetch: (u, init) => fetch(u, init),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (x) => clearTimeout(x),
    onChange: show,
  });
  // A tab coming back to the front asks at once.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) watch.pollNow();
  });
  watch.start();
}
