// env.mjs — what every story gets: Debian's Chromium, browser contexts that
// fail the story on any console error, uncaught exception or CSP violation,
// screenshots, the locale texts, and bounded waits.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** A failed expectation: the story stops here. */
export class Failure extends Error {}

export function expect(cond, message) {
  if (!cond) throw new Failure(message);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls fn() (sync or async) until it returns a truthy value, which it returns;
 * throws a Failure naming `what` after timeoutMs.
 */
export async function until(what, fn, timeoutMs, intervalMs = 25) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= end) {
      const why = last instanceof Error ? `: ${last.message.split('\n')[0]}` : '';
      throw new Failure(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/*
 * Runs in every page before its own scripts. Reports CSP violations to the
 * harness, and records what the page asked of the Notification and Web Audio
 * APIs, so a story sees a notification or a sound without trusting the page's
 * own counters alone.
 */
function initScript() {
  const e2e = (window.__e2e = { notifications: [], shown: 0, audioStarts: 0, audioRunningStarts: 0, audioContexts: [] });
  window.addEventListener('securitypolicyviolation', (e) => {
    const where = `${e.sourceFile || ''}:${e.lineNumber || 0}`;
    try {
      window.__e2eReport('csp', `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${where}`);
    } catch { /* binding not there yet */ }
  }, true);
  if ('Notification' in window) {
    const Native = window.Notification;
    class RecordedNotification extends Native {
      constructor(title, options) {
        super(title, options);
        e2e.notifications.push({ title, body: (options && options.body) || '', tag: (options && options.tag) || '', at: Date.now() });
        this.addEventListener('show', () => { e2e.shown++; });
      }
    }
    window.Notification = RecordedNotification;
  }
  for (const name of ['AudioContext', 'webkitAudioContext']) {
    const Native = window[name];
    if (typeof Native !== 'function') continue;
    window[name] = class extends Native {
      constructor(...args) {
        super(...args);
        e2e.audioContexts.push(this);
      }
    };
  }
  if (window.AudioScheduledSourceNode) {
    const start = AudioScheduledSourceNode.prototype.start;
    AudioScheduledSourceNode.prototype.start = function (...args) {
      e2e.audioStarts++;
      if (this.context && this.context.state === 'running') e2e.audioRunningStarts++;
      return start.apply(this, args);
    };
  }
}

export class Env {
  constructor({ top, artifacts, server, pollMs }) {
    this.top = top;
    this.artifacts = artifacts;
    this.server = server;
    this.pollMs = pollMs;
    this.browser = null;
    this.contexts = new Set();
    this.shared = {};
    this.texts = JSON.parse(fs.readFileSync(path.join(top, 'templates/locales/en.json'), 'utf8'));
    this.story = null;
    this.problems = [];
    this.allowed = [];
    this.tolerated = 0;
    this.shots = 0;
    this.t = this.t.bind(this); // stories destructure it: const { t } = env
  }

  async launch() {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30000,
    });
    return this.browser.version();
  }

  async close() {
    for (const c of this.contexts) await c.close().catch(() => {});
    this.contexts.clear();
    if (this.browser) await this.browser.close().catch(() => {});
    this.browser = null;
  }

  /** The app's URL for a path ("/cart"). */
  url(p = '/') {
    return this.server.url + p;
  }

  /** A locale text by dotted key ("order.status.processing"), {placeholders} filled. */
  t(key, vars) {
    const s = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), this.texts);
    if (typeof s !== 'string') throw new Error(`no locale text ${key}`);
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
  }

  /** Starts a story: a fresh problem list, no allowances. */
  begin(story) {
    this.story = story;
    this.problems = [];
    this.allowed = [];
    this.shots = 0;
  }

  /** Lets console errors matching re pass for the rest of the current story (expected ones). */
  allow(re) {
    this.allowed.push(re);
  }

  problem(kind, text, where) {
    const line = `${kind} in ${where}: ${text}`;
    if (kind === 'console error' && this.allowed.some((re) => re.test(text))) {
      this.tolerated++;
      return;
    }
    this.problems.push(line);
  }

  /**
   * A browser context whose pages are watched: console errors, uncaught
   * exceptions, CSP violations and crashes become the story's problems.
   */
  async newContext(label, options = {}) {
    const ctx = await this.browser.newContext({ viewport: DESKTOP, locale: 'en-GB', ...options });
    ctx.setDefaultTimeout(10000);
    ctx.setDefaultNavigationTimeout(15000);
    ctx.__label = label;
    this.contexts.add(ctx);
    ctx.on('close', () => this.contexts.delete(ctx));
    await ctx.exposeBinding('__e2eReport', ({ page }, kind, text) => {
      this.problem(kind === 'csp' ? 'CSP violation' : kind, text, `${label} ${page ? page.url() : ''}`);
    });
    await ctx.addInitScript(initScript);
    // The context's 'console' carries the pages' messages and their Workers' too.
    const where = (msg) => {
      const w = msg.worker();
      if (w) return `${label} worker ${w.url()}`;
      const p = msg.page();
      const loc = msg.location();
      return `${label} ${p ? p.url() : ''}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`;
    };
    const onConsole = (msg, w) => {
      const text = msg.text();
      if (/Content.Security.Policy/i.test(text)) this.problem('CSP violation', text, w);
      else if (msg.type() === 'error') this.problem('console error', text, w);
    };
    ctx.on('console', (msg) => onConsole(msg, where(msg)));
    ctx.on('page', (page) => {
      page.on('pageerror', (err) => this.problem('uncaught exception', err.stack || String(err), `${label} ${page.url()}`));
      page.on('crash', () => this.problem('crash', 'the page crashed', `${label} ${page.url()}`));
    });
    return ctx;
  }

  /** Saves a screenshot of page under artifacts/ as "<story>-<n>-<name>.png". */
  async shot(page, name, fullPage = true) {
    this.shots++;
    // Let entrance animations (a new row, a flashing badge) end, so the picture shows the settled page.
    await page.evaluate(() => Promise.race([
      Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => {}))),
      new Promise((r) => setTimeout(r, 1500)),
    ])).catch(() => {});
    const file = path.join(this.artifacts,
      `${this.story.no}-${String(this.shots).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage, timeout: 10000 }).catch((err) => {
      console.log(`     (screenshot ${name} failed: ${err.message.split('\n')[0]})`);
    });
    return file;
  }

  /** Screenshots of every open page, for a story that failed. */
  async shotAll(tag) {
    let i = 0;
    for (const ctx of this.contexts) {
      for (const page of ctx.pages()) {
        i++;
        const label = `${ctx.__label}`.replace(/[^a-z0-9]+/gi, '-');
        await this.shot(page, `${tag}-${label}-${i}`, false);
      }
    }
  }

  /** Fails the story when the page is wider than its viewport (no horizontal scrolling on a phone). */
  async noOverflow(page, what) {
    const r = await page.evaluate(() => {
      const iw = window.innerWidth;
      const sw = document.documentElement.scrollWidth;
      const wide = [];
      if (sw > iw) {
        for (const el of document.querySelectorAll('body *')) {
          const b = el.getBoundingClientRect();
          if (b.right > iw + 0.5 && b.width > 0) {
            wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right ${Math.round(b.right)})`);
            if (wide.length >= 5) break;
          }
        }
      }
      return { iw, sw, wide };
    });
    expect(r.sw <= r.iw, `${what} overflows horizontally at ${r.iw}px: scrollWidth ${r.sw}; widest: ${r.wide.join(', ')}`);
  }
}
