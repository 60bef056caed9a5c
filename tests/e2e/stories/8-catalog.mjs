// Story 8, the catalog from end to end: the owner adds a product with a photo
// on the back office's form, the customer sees it in the catalog with its
// photo, buys the last units, and the owner's open orders page raises the
// quieter low-stock toast for it (a stock_low event on the feed).
import zlib from 'node:zlib';

import { CUSTOMER, addToCart, fillCheckout, signIn, waitLive } from '../lib/app.mjs';
import { expect } from '../lib/env.mjs';

export const title = 'catalog: a new product with a photo, sold out by a customer, raises the low-stock toast';

const NAME = 'Carafe en verre soufflé';
const SKU = 'CAR-VER-01';

/** A small PNG (an RGB gradient), made here: no picture is kept in the repository. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);	// 8 bits, RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 255 / width) | 0, (y * 255 / height) | 0, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function run(env) {
  const { t } = env;
  const adminCtx = await env.newContext('owner');
  const a = await adminCtx.newPage();
  await signIn(env, a);

  // The owner adds the product, with its photo, from the form.
  await a.goto(env.url('/admin/products/new'));
  await a.getByLabel(t('products.name'), { exact: true }).fill(NAME);
  await a.getByLabel(t('products.sku'), { exact: true }).fill(SKU);
  await a.getByLabel(t('products.price'), { exact: true }).fill('24,50');
  await a.getByLabel(t('products.stock'), { exact: true }).fill('3');
  await a.getByLabel(t('products.low_stock_at'), { exact: true }).fill('1');
  await a.locator('#p-photo').setInputFiles({ name: 'carafe.png', mimeType: 'image/png', buffer: png(320, 200) });
  await Promise.all([
    a.waitForURL((u) => /\/admin\/products\/\d+$/.test(u.pathname)),
    a.getByRole('button', { name: t('products.create') }).click(),
  ]);
  const thumb = a.locator('.product-photo img');
  await thumb.waitFor({ state: 'visible', timeout: 5000 });
  expect(/\/media\/[0-9a-f]{64}$/.test(await thumb.getAttribute('src')), 'the product page should show the photo from /media/');

  // The owner keeps the orders page open.
  await a.goto(env.url('/admin/orders'));
  await waitLive(env, a);

  // The customer sees it with its photo, and buys the last three.
  const shopCtx = await env.newContext('customer');
  const b = await shopCtx.newPage();
  await b.goto(env.url('/'));
  const card = b.locator('li.product').filter({ has: b.getByRole('heading', { name: NAME, exact: true }) });
  const img = card.locator('img');
  await img.waitFor({ state: 'visible', timeout: 5000 });
  const shown = await img.evaluate((el) => ({ w: el.naturalWidth, srcset: el.getAttribute('srcset') || '', alt: el.alt }));
  expect(shown.w > 0, 'the catalog photo should load');
  expect(/\/media\/[0-9a-f]{64} 480w/.test(shown.srcset) || /\/media\//.test(await img.getAttribute('src')), `the catalog should serve the renditions (srcset "${shown.srcset}")`);
  expect(shown.alt === NAME, `the photo's alt text should be the product's name, not "${shown.alt}"`);
  await env.shot(b, 'catalog-with-photo', false);
  await addToCart(env, b, NAME, 3);
  await b.goto(env.url('/cart'));
  await b.getByRole('link', { name: t('cart.place_order') }).click();
  const dialog = b.getByRole('dialog', { name: t('checkout.title') });
  await fillCheckout(env, dialog, CUSTOMER);
  await Promise.all([
    b.waitForURL((u) => /\/orders\/CMD-/.test(u.pathname)),
    dialog.getByRole('button', { name: t('checkout.confirm') }).click(),
  ]);

  // Sold out: the owner's page says so, quietly, within a poll or two.
  const words = t('feed.stock_low', { name: NAME, stock: 0 });
  await a.locator('.toast--quiet').filter({ hasText: NAME }).first()
    .waitFor({ state: 'visible', timeout: env.pollMs * 2 + 5000 })
    .catch(async () => {
      const toasts = await a.locator('.toast').allTextContents();
      throw new Error(`the orders page should show "${words}", it shows ${JSON.stringify(toasts)}`);
    });
  await env.shot(a, 'low-stock-toast', false);
  await b.goto(env.url('/'));
  const soldOut = await b.locator('li.product').filter({ has: b.getByRole('heading', { name: NAME, exact: true }) })
    .locator('[data-add-form]').count();
  expect(soldOut === 0, 'the sold-out product should have no add-to-cart form');
  return `photo ${shown.w}px wide in the catalog; low-stock toast: "${words}"`;
}

