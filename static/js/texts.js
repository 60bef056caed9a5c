// texts.js — the page's words and formats: locale texts by dotted key with
// {name} placeholders (the texts come from the server, templates/locales/*.json),
// prices and times in the page's language. Pure: no DOM, so Node tests import it.

/** The value at a dotted key ("feed.new_order") in a nested object, or undefined. */
export function lookup(texts, key) {
  return String(key).split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), texts);
}

/** `template` with each {name} found in `vars` replaced; unknown names stay as written. */
export function fill(template, vars) {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/**
 * `template` cut into parts: {text} for the words, {name, value} for each
 * filled placeholder — so a caller can wrap one of them (an order number) in
 * an element of its own. Adjacent words are one part; empty parts are dropped.
 */
export function fillParts(template, vars = {}) {
  const parts = [];
  const push = (text) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && 'text' in last) last.text += text;
    else parts.push({ text });
  };
  let at = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    push(template.slice(at, m.index));
    if (m[1] in vars) parts.push({ name: m[1], value: String(vars[m[1]]) });
    else push(m[0]);
    at = m.index + m[0].length;
  }
  push(template.slice(at));
  return parts;
}

/**
 * 1 when a French "de" before name elides to "d'" (« d'Élodie », « de Léa »):
 * the name starts with a vowel, y or a mute h, accents ignored.
 */
export function elides(name) {
  return /^[aeiouyh]/i.test(String(name ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
}

/**
 * The words announcing a new order: its key and the seller for a counter
 * order that names one ("feed.new_order_from" or "…_vowel", per elides()),
 * else base ("feed.new_order"). withSeller: the key for that case's base.
 */
export function newOrderKey(order, base = 'feed.new_order', withSeller = 'feed.new_order_from') {
  const seller = order && order.source === 'counter' && order.created_by_name ? String(order.created_by_name) : '';
  if (!seller) return { key: base, seller: '' };
  return { key: elides(seller) ? withSeller + '_vowel' : withSeller, seller };
}

/** t(key, vars): the text at `key` with placeholders filled; the key itself when missing. */
export function makeT(texts) {
  return (key, vars) => {
    const s = lookup(texts, key);
    return fill(typeof s === 'string' ? s : key, vars);
  };
}

/** Parses a JSON attribute; `fallback` when it is missing or not JSON. */
export function parseJSON(text, fallback = null) {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/**
 * Formats for a page: price(cents, currency) and localTime(iso, now) — the
 * time alone for today, else date and time — in `lang` ('fr' or else English)
 * and the shop's time zone `tz` (ignored when the browser does not know it).
 */
export function makeFormats({ lang = 'en', currency = 'EUR', tz } = {}) {
  const intlLang = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const withTz = (opts) => {
    if (!tz) return opts;
    try {
      new Intl.DateTimeFormat(intlLang, { ...opts, timeZone: tz });
      return { ...opts, timeZone: tz };
    } catch {
      return opts;
    }
  };
  const day = new Intl.DateTimeFormat('en-CA', withTz({ year: 'numeric', month: '2-digit', day: '2-digit' }));
  const time = new Intl.DateTimeFormat(intlLang, withTz({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  const dateTime = new Intl.DateTimeFormat(intlLang, withTz(lang === 'fr'
    ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  const prices = new Map();
  return {
    price(cents, cur = currency) {
      const c = cur || currency;
      if (!prices.has(c)) {
        try {
          prices.set(c, new Intl.NumberFormat(intlLang, { style: 'currency', currency: c }));
        } catch {
          prices.set(c, { format: (v) => `${v.toFixed(2)} ${c}` });
        }
      }
      return prices.get(c).format((Number(cents) || 0) / 100);
    },
    localTime(iso, now = new Date()) {
      const dt = new Date(iso);
      if (!iso || Number.isNaN(dt.getTime())) return '';
      return day.format(dt) === day.format(now) ? time.format(dt) : dateTime.format(dt);
    },
    time: (d) => time.format(d),
  };
}
