// counter.mjs — steps at the counter and the till that stories share: a seller
// keys an order in at /admin/orders/new, a PDF's page sizes.
import { expect } from './env.mjs';

/**
 * On a signed-in seller's page: opens /admin/orders/new, adds one of the first
 * product each search in `searches` finds (typed, then Enter), types the
 * customer's name, confirms. Resolves to { number, placedAt } once the page is
 * the new order's (placedAt: when the POST's answer arrived, ms).
 */
export async function keyCounterOrder(env, page, searches, customer = '') {
  const { t } = env;
  await page.goto(env.url('/admin/orders/new'));
  const search = page.getByLabel(t('counter.search'));
  await search.waitFor({ state: 'visible', timeout: 3000 });
  for (const q of searches) {
    await search.fill(q);
    await search.press('Enter');
  }
  if (customer) await page.getByLabel(t('counter.name')).fill(customer);
  let placedAt = 0;
  const onResponse = (r) => {
    if (!placedAt && r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/admin/orders/new')) placedAt = Date.now();
  };
  page.on('response', onResponse);
  await Promise.all([
    page.waitForURL((u) => /\/admin\/orders\/CMD-\d{8}-[A-Z0-9]{6}$/.test(u.pathname)),
    page.getByRole('button', { name: t('counter.confirm') }).click(),
  ]);
  page.off('response', onResponse);
  expect(placedAt > 0, 'the counter order should have been posted to /admin/orders/new');
  return { number: new URL(page.url()).pathname.split('/').pop(), placedAt };
}

/**
 * The /MediaBox of every page of a PDF (a Buffer) as [{ width, height }] in
 * points; Chromium writes them uncompressed in the page objects.
 */
export function pdfPageSizes(pdf) {
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-'), 'the PDF should start with %PDF-');
  const num = '(-?[\\d.]+)';
  const re = new RegExp(`/MediaBox\\s*\\[\\s*${num}\\s+${num}\\s+${num}\\s+${num}\\s*\\]`, 'g');
  const sizes = [];
  for (const m of text.matchAll(re)) {
    const [x0, y0, x1, y1] = m.slice(1, 5).map(Number);
    sizes.push({ width: x1 - x0, height: y1 - y0 });
  }
  return sizes;
}
