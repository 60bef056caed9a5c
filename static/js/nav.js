// nav.js — on a phone the back office's links scroll sideways: keep the
// current page's link in view. Works without it (the links still scroll).
const current = document.querySelector('.admin-links [aria-current="page"]');
const strip = current && current.closest('.admin-links');
if (strip && strip.scrollWidth > strip.clientWidth) {
  const r = current.getBoundingClientRect();
  const s = strip.getBoundingClientRect();
  if (r.right > s.right || r.left < s.left) strip.scrollLeft += r.left - s.left - (s.width - r.width) / 2;
}
