// fake-dom.mjs — just enough of a DOM for the browser modules' DOM-side tests
// (no DOM library is installed): elements with attributes, children, text,
// classList, dataset, events; installed as globalThis.document.

class FakeClassList {
  constructor(el) { this.el = el; }
  get set() { return new Set((this.el.getAttribute('class') || '').split(/\s+/).filter(Boolean)); }
  contains(c) { return this.set.has(c); }
  add(...cs) { const s = this.set; for (const c of cs) s.add(c); this.el.setAttribute('class', [...s].join(' ')); }
  remove(...cs) { const s = this.set; for (const c of cs) s.delete(c); this.el.setAttribute('class', [...s].join(' ')); }
  toggle(c, on = !this.contains(c)) { if (on) this.add(c); else this.remove(c); return on; }
}

export class FakeElement {
  constructor(tag, doc) {
    this.tagName = tag.toUpperCase();
    this.ownerDocument = doc;
    this.attrs = new Map();
    this.children = [];
    this.parentNode = null;
    this.listeners = new Map();
    this.classList = new FakeClassList(this);
    this.hovered = false;
    // dataset mirrors the data-* attributes, as in a browser.
    const attr = (k) => 'data-' + String(k).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    this.dataset = new Proxy({}, {
      get: (_, k) => (typeof k === 'string' ? this.getAttribute(attr(k)) ?? undefined : undefined),
      set: (_, k, v) => { this.setAttribute(attr(k), v); return true; },
    });
  }

  setAttribute(k, v) { this.attrs.set(k, String(v)); }
  getAttribute(k) { return this.attrs.has(k) ? this.attrs.get(k) : null; }
  get className() { return this.getAttribute('class') || ''; }
  set className(v) { this.setAttribute('class', v); }
  get childNodes() { return this.children; }
  get firstElementChild() { return this.children.find((c) => c instanceof FakeElement) || null; }
  get lastElementChild() { return [...this.children].reverse().find((c) => c instanceof FakeElement) || null; }

  adopt(n) {
    const node = typeof n === 'string' ? { text: n, parentNode: null, remove() { this.parentNode?.children.splice(this.parentNode.children.indexOf(this), 1); } } : n;
    if (node.parentNode) node.remove();
    node.parentNode = this;
    return node;
  }
  append(...ns) { for (const n of ns) this.children.push(this.adopt(n)); }
  prepend(...ns) { this.children.unshift(...ns.map((n) => this.adopt(n))); }
  replaceChildren(...ns) { for (const c of [...this.children]) c.parentNode = null; this.children = []; this.append(...ns); }
  remove() {
    if (!this.parentNode) return;
    const kids = this.parentNode.children;
    kids.splice(kids.indexOf(this), 1);
    this.parentNode = null;
  }
  contains(n) {
    for (let x = n; x; x = x.parentNode) if (x === this) return true;
    return false;
  }
  matches(sel) { return sel === ':hover' ? this.hovered : false; }

  get textContent() { return this.children.map((c) => (c instanceof FakeElement ? c.textContent : c.text)).join(''); }
  set textContent(v) { this.replaceChildren(String(v)); }

  /** Elements below, depth first, that `pred` accepts. */
  findAll(pred) {
    const out = [];
    for (const c of this.children) {
      if (!(c instanceof FakeElement)) continue;
      if (pred(c)) out.push(c);
      out.push(...c.findAll(pred));
    }
    return out;
  }
  byClass(c) { return this.findAll((e) => e.classList.contains(c)); }
  /** '.class', 'tag' or 'tag[name="value"]' only. */
  querySelector(sel) { return this.querySelectorAll(sel)[0] || null; }
  querySelectorAll(sel) {
    const m = /^(?:\.([\w-]+)|(\w+)(?:\[(\w+)="([^"]*)"\])?)$/.exec(sel);
    if (!m) throw new Error('fake-dom: selector not supported: ' + sel);
    return this.findAll((e) => (m[1] ? e.classList.contains(m[1])
      : e.tagName === m[2].toUpperCase() && (!m[3] || e.getAttribute(m[3]) === m[4])));
  }
  get value() { return this.getAttribute('value') || ''; }
  get offsetWidth() { return 0; }

  addEventListener(type, f) { (this.listeners.get(type) || this.listeners.set(type, []).get(type)).push(f); }
  dispatch(type, props = {}) { for (const f of this.listeners.get(type) || []) f({ type, target: this, ...props }); }
  click() { this.dispatch('click'); }
}

/** Installs a fake `document` (and returns it); activeElement is settable. */
export function installDocument() {
  const doc = {
    activeElement: null,
    title: 'Orders — Shop',
    createElement: (tag) => new FakeElement(tag, doc),
    createElementNS: (ns, tag) => new FakeElement(tag, doc),
  };
  globalThis.document = doc;
  return doc;
}

/** A manual clock: setTimeout callbacks run when advance() passes their time. */
export class FakeClock {
  constructor(t = 0) { this.t = t; this.timers = new Map(); this.seq = 0; }
  now() { return this.t; }
  setTimeout(f, ms) { const id = ++this.seq; this.timers.set(id, { f, at: this.t + Math.max(0, ms) }); return id; }
  clearTimeout(id) { this.timers.delete(id); }
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].f();
    }
    this.t = end;
  }
}
