// dom.js — two tiny element builders the back-office modules share (HTML and SVG).
// Text always goes in as text (textContent / text nodes), never as markup.

const SVGNS = 'http://www.w3.org/2000/svg';

/**
 * An element: h('a', {href, class, text}, ...children). Attributes that are
 * null, undefined or false are left out; true sets an empty attribute; `text`
 * sets the text. Children that are null or undefined are skipped.
 */
export function h(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids) if (k !== null && k !== undefined) n.append(k);
  return n;
}

/** An SVG element with attributes and, when given, a text. */
export function svg(tag, attrs, text) {
  const n = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}
