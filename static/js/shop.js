// shop.js — the catalog and cart made live: add to cart without a reload, the
// checkout dialog, and form hints that mirror the server's rules. Every page
// works without it: the forms post and the server answers with 303s.

const TOAST_MS = 5000;
// Where shop.css puts toasts at the top, under the header (phones).
const narrow = window.matchMedia('(max-width: 36rem)');

/* ---- toasts and the cart badge ---- */

function toastRegion() {
  let region = document.querySelector('[data-toasts]');
  if (!region) {
    region = document.createElement('div');
    region.className = 'toast-region';
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    region.dataset.toasts = '';
    document.body.append(region);
  }
  return region;
}

function dismiss(toast) {
  toast.classList.add('toast--leaving');
  setTimeout(() => toast.remove(), 220);
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/*
 * Puts the region where it hides least: on phones at the top, just under the
 * sticky header (its height varies, so it is measured), elsewhere at the
 * bottom right; and on the other side when it would cover `avoid`, the
 * button that was just pressed.
 */
function placeRegion(region, avoid) {
  const header = document.querySelector('.site-header');
  const below = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  region.style.setProperty('--toast-top', `${Math.round(below + 8)}px`);
  region.classList.toggle('toast-region--top', narrow.matches);
  if (avoid && overlap(region.getBoundingClientRect(), avoid.getBoundingClientRect())) {
    region.classList.toggle('toast-region--top');
  }
}

/* Closes after `ms`, but not while the pointer or the focus is on it. */
function autoDismiss(toast, ms) {
  let timer = setTimeout(() => dismiss(toast), ms);
  const hold = () => { clearTimeout(timer); };
  const resume = () => {
    if (toast.matches(':hover') || toast.contains(document.activeElement)) return;
    clearTimeout(timer);
    timer = setTimeout(() => dismiss(toast), ms / 2);
  };
  toast.addEventListener('pointerenter', hold);
  toast.addEventListener('focusin', hold);
  toast.addEventListener('pointerleave', resume);
  toast.addEventListener('focusout', () => setTimeout(resume, 0));
}

function showToast(text, { linkText, linkHref, error = false, avoid = null } = {}) {
  const region = toastRegion();
  const toast = document.createElement('div');
  toast.className = error ? 'toast toast--error' : 'toast';
  const body = document.createElement('p');
  body.className = 'toast__text';
  body.textContent = text;
  if (linkText && linkHref) {
    const a = document.createElement('a');
    a.href = linkHref;
    a.textContent = linkText;
    body.append(' ', a);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast__close';
  close.setAttribute('aria-label', region.dataset.close || 'Dismiss');
  close.textContent = '×';
  close.addEventListener('click', () => dismiss(toast));
  toast.append(body, close);
  region.append(toast);
  while (region.children.length > 3) region.firstElementChild.remove();
  placeRegion(region, avoid);
  autoDismiss(toast, error ? TOAST_MS * 2 : TOAST_MS);
}

function updateBadge(count) {
  for (const badge of document.querySelectorAll('[data-cart-count]')) {
    badge.textContent = String(count);
    badge.classList.toggle('cart-badge--empty', count === 0);
    badge.classList.remove('cart-badge--bump');
    void badge.offsetWidth; // restart the animation
    badge.classList.add('cart-badge--bump');
  }
}

/* ---- add to cart ---- */

async function addToCart(form) {
  const region = toastRegion();
  const button = form.querySelector('button[type="submit"]');
  const label = button ? button.textContent : '';
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    if (region.dataset.adding) button.textContent = region.dataset.adding;
  }
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => null);
    if (data && data.cart && typeof data.cart.count === 'number') updateBadge(data.cart.count);
    if (res.ok) {
      const text = (region.dataset.added || '{name}').replace('{name}', form.dataset.name || '');
      showToast(text, { linkText: region.dataset.viewCart, linkHref: region.dataset.cartUrl, avoid: form });
    } else {
      showToast((data && data.message) || region.dataset.failed || 'Error', { error: true, avoid: form });
    }
  } catch {
    showToast(region.dataset.failed || 'Error', { error: true, avoid: form });
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = label;
    }
  }
}

for (const form of document.querySelectorAll('[data-add-form]')) {
  form.addEventListener('submit', (event) => {
    if (!form.checkValidity()) return; // let the browser say what is wrong
    event.preventDefault();
    addToCart(form);
  });
}

/* ---- checkout form checks (the server's rules, as hints) ---- */

const chars = (s) => [...s].length;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z0-9]{2,}$/;

export const rules = {
  name: (v) => chars(v) >= 1 && chars(v) <= 100,
  email: (v) => v.length <= 254 && EMAIL.test(v) && !v.includes('..') && !v.startsWith('.') && !v.includes('.@'),
  phone: (v) => v === '' || (v.length <= 20 && /^[0-9 +()-]+$/.test(v) && (v.match(/[0-9]/g) || []).length >= 3),
  notes: (v) => chars(v) <= 1000,
};

function fieldOf(input) {
  return input.closest('.field');
}

function setError(input, wrong) {
  const err = document.getElementById(`${input.id}-err`);
  const field = fieldOf(input);
  if (wrong) {
    input.setAttribute('aria-invalid', 'true');
    if (err) {
      err.textContent = input.dataset.error || '';
      err.hidden = false;
    }
  } else {
    input.removeAttribute('aria-invalid');
    if (err) {
      err.hidden = true;
      err.textContent = '';
    }
  }
  if (field) field.classList.toggle('field--error', wrong);
}

function checkField(input) {
  const rule = rules[input.name];
  if (!rule) return true;
  const ok = rule(input.value.trim());
  setError(input, !ok);
  return ok;
}

/* ---- the checkout dialog ---- */

const dialog = document.querySelector('[data-checkout]');
const form = document.querySelector('[data-checkout-form]');

function openCheckout() {
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector('[aria-invalid="true"]') || dialog.querySelector('input:not([type="hidden"])');
  if (first) first.focus();
}

if (dialog && form && typeof dialog.showModal === 'function') {
  form.noValidate = true; // our messages beside the fields, not the browser's bubbles
  for (const link of document.querySelectorAll('[data-open-checkout]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      openCheckout();
    });
  }
  for (const link of dialog.querySelectorAll('[data-close-checkout]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      dialog.close();
    });
  }
  dialog.addEventListener('close', () => {
    if (new URLSearchParams(location.search).has('checkout')) {
      history.replaceState(null, '', location.pathname + location.hash.replace('#checkout', ''));
    }
  });
  // Opened by the server (errors to fix, or ?checkout=1): make it modal.
  if (dialog.hasAttribute('open')) {
    dialog.close();
    openCheckout();
  }
  for (const input of form.querySelectorAll('input[name], textarea[name]')) {
    if (!rules[input.name]) continue;
    input.addEventListener('blur', () => {
      if (input.value !== '' || input.hasAttribute('aria-invalid')) checkField(input);
    });
    input.addEventListener('input', () => {
      if (input.hasAttribute('aria-invalid')) checkField(input);
    });
  }
  const confirm = form.querySelector('[data-confirm]');
  const confirmLabel = confirm ? confirm.textContent : '';
  form.addEventListener('submit', (event) => {
    let firstBad = null;
    for (const input of form.querySelectorAll('input[name], textarea[name]')) {
      if (!checkField(input) && !firstBad) firstBad = input;
    }
    if (firstBad) {
      event.preventDefault();
      firstBad.focus();
      return;
    }
    if (confirm) {
      if (confirm.disabled) {
        event.preventDefault(); // already on its way: one order, one post
        return;
      }
      // Disabled after this event, so the browser still sends the form.
      setTimeout(() => {
        confirm.disabled = true;
        confirm.setAttribute('aria-busy', 'true');
        if (confirm.dataset.sending) confirm.textContent = confirm.dataset.sending;
      }, 0);
    }
  });
  // Back from the confirmation page (bfcache): the button works again.
  window.addEventListener('pageshow', () => {
    if (confirm) {
      confirm.disabled = false;
      confirm.removeAttribute('aria-busy');
      confirm.textContent = confirmLabel;
    }
  });
}

const notice = document.querySelector('[data-notice]');
if (notice && !(dialog && dialog.open)) notice.focus();
