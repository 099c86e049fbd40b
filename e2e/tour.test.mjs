// A tour of every admin page and the affiliate portal, at 1440×900 and
// 390×844, on a fresh newcomer-mode server seeded with a little data:
// screenshots under artifacts/screenshots/tour/, one stable name per page
// and width (dashboard-1440.png, …), to look at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, screenshots, until } from './harness.mjs';
import { startNewcomer } from './newcomer.mjs';

const dir = join(screenshots, 'tour');
const SHOP = 'demo-store.myshopify.com';
let server;
let browser;
let page;
let origin;
let apiKey;
let sandboxURL;

async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(`${origin}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function store(path, body) {
  const res = await fetch(`${sandboxURL}/_sandbox/shops/${SHOP}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
  const data = await res.json();
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

const order = (code, price, email) => store('/orders', { codes: [code], email, lines: [{ title: 'Sandbox T-shirt', price, quantity: 1 }] });

/** Screenshots the page at both widths. */
async function shoot(name, ready) {
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    if (ready) await ready();
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(dir, `${name}-${w}.png`), fullPage: true });
  }
}

before(async () => {
  mkdirSync(dir, { recursive: true });
  server = await startNewcomer('tour-server.log');
  const shopify = server.logged().find((l) => l.what === 'shopify');
  origin = new URL(shopify.install_url).origin;
  sandboxURL = new URL(shopify.controls).origin;
  apiKey = server.logged().find((l) => l.msg === 'demo account created').api_key;
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(shopify.install_url);
  await page.getByRole('heading', { name: 'Get started' }).waitFor();
  await page.getByText(/\d+ codes imported/).first().waitFor({ timeout: 120000 });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('seed a little data: affiliates, codes, orders, a refund, a payout and a clawback', { timeout: 300000 }, async () => {
  await api('/settings', { method: 'PUT', body: { default_commission: { kind: 'percent', basis_points: 1000, hold_days: 0 } } });
  const people = [['Ann Lee', 'ann@example.com', 'ANN10'], ['Ben Okafor', 'ben@example.com', 'BEN15'], ['Chloé Martin', 'chloe@example.com', 'CHLOE20']];
  const ids = {};
  for (const [name, email, code] of people) {
    const a = await api('/affiliates', { method: 'POST', body: { name, email } });
    ids[name] = a.id;
    await api('/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: a.id } });
  }
  const names = people.map(([, , code]) => code);
  await until('the codes to reach the store', async () => {
    const codes = (await api('/codes?per_page=100')).data.filter((c) => names.includes(c.code));
    return codes.length === names.length && codes.every((c) => c.sync_status === 'synced');
  }, 30000, 300);
  const first = await order('ANN10', '80.00', 'alice@buyer.example');
  await order('ANN10', '45.50', 'bob@buyer.example');
  await order('BEN15', '120.00', 'carol@buyer.example');
  const refunded = await order('CHLOE20', '60.00', 'dave@buyer.example');
  await until('four conversions', async () => (await api('/conversions?per_page=10')).total >= 4, 60000, 500);
  await store(`/orders/${refunded.order_id}/refunds`, { lines: [{ index: 0, quantity: 1 }] });
  await until("Ann's commission to be approved", async () => {
    const [b] = (await api(`/balances?affiliate_id=${ids['Ann Lee']}`)).data;
    return b && b.approved > 0 && b.pending === 0;
  }, 60000, 500);
  await api('/payouts', { method: 'POST', body: { affiliate_id: ids['Ann Lee'], currency: 'USD', reference: 'PP-0001' } });
  await store(`/orders/${first.order_id}/refunds`, { lines: [{ index: 0, quantity: 1 }] });
  await until('the clawback', async () => (await api(`/balances?affiliate_id=${ids['Ann Lee']}`)).data[0]?.approved < 0, 60000, 500);
  await order('BEN15', '30.00', 'erin@buyer.example');
});

test('connecting WooCommerce comes back to a clean address and says so', { timeout: 120000 }, async () => {
  await page.goto(`${origin}/admin/`);
  await page.getByRole('button', { name: 'Connect WooCommerce' }).click();
  await page.getByText('WooCommerce store connected: importing its codes').waitFor();
  const back = new URL(page.url());
  assert.equal(back.pathname, '/admin/');
  assert.ok(!back.searchParams.has('user_id') && !back.searchParams.has('success'), `the address keeps ${back.search}`);
});

test('every admin page at 1440 and 390 px', { timeout: 300000 }, async () => {
  const affs = await api('/affiliates?per_page=10');
  const ann = affs.data.find((a) => a.name === 'Ann Lee');
  const pages = [
    ['get-started', '/admin/', 'Get started'],
    ['dashboard', '/admin/dashboard', 'Dashboard'],
    ['affiliates', '/admin/affiliates', 'Affiliates'],
    ['affiliate-detail', `/admin/affiliates/${ann.id}`, 'Ann Lee'],
    ['codes', '/admin/codes', 'Codes'],
    ['conversions', '/admin/conversions', 'Conversions'],
    ['payouts', '/admin/payouts', 'Payouts'],
    ['settings', '/admin/settings', 'Settings'],
  ];
  for (const [name, path, heading] of pages) {
    await page.goto(origin + path);
    await shoot(name, () => page.getByRole('heading', { name: heading }).first().waitFor());
  }
  // Whatever else the menu offers (an Emails page, say) is shot too.
  await page.setViewportSize({ width: 1440, height: 900 });
  const links = await page.getByRole('navigation').getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
  for (const [label, href] of links) {
    const name = label.toLowerCase().replace(/[^a-z]+/g, '-');
    if (pages.some(([n]) => n === name) || !href || !href.startsWith('/admin')) continue;
    await page.goto(origin + href);
    await shoot(name, () => page.getByRole('heading', { name: label }).first().waitFor());
  }
});

test('the affiliate portal at 1440 and 390 px', { timeout: 300000 }, async () => {
  await page.goto(`${origin}/portal/login`);
  await shoot('portal-login');
  await page.getByLabel(/email/i).fill('ann@example.com');
  await page.getByRole('button', { name: /sign-in link|send/i }).click();
  const link = await until('the sign-in email in the outbox', async () => {
    const list = await api('/emails?per_page=50');
    const mail = list.data.find((m) => m.to === 'ann@example.com' && /portal_login|login/.test(m.kind));
    if (!mail) return null;
    const full = await api(`/emails/${mail.id}`);
    return (full.text.match(/https?:\/\/\S+\/portal\/auth\?token=[\w-]+/) || [])[0];
  }, 30000, 500);
  await page.goto(origin + new URL(link).pathname + new URL(link).search);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hi Ann Lee' }).waitFor();
  await page.getByLabel('PayPal email address').fill('ann.pay@example.com');
  await page.getByRole('button', { name: 'Save payout details' }).click();
  await page.getByText('Your payout details are saved.').waitFor();
  await page.getByText(/was refunded after you were paid; \$\d+\.\d\d will be taken from your next payout/).waitFor();
  const copy = page.getByRole('button', { name: 'Copy code ANN10' });
  await copy.click();
  await page.getByRole('button', { name: 'Copy code ANN10' }).getByText('Copied').waitFor().catch(async () => {
    assert.match(await copy.textContent(), /Copied|Select and copy/);
  });
  await shoot('portal');
  const details = await api(`/affiliates/${(await api('/affiliates?per_page=10')).data.find((a) => a.name === 'Ann Lee').id}`);
  assert.equal(details.payout_details.value, 'ann.pay@example.com', 'the merchant reads what the affiliate entered');
});
