// The embedded admin in a real browser, as a Shopify merchant uses it:
// opened inside Shopify admin with a session token, it installs the shop,
// imports its codes, adds an affiliate, generates their code, sees the
// order paid with it and the refund that reverses it. Screenshots of every
// page go to e2e/artifacts/screenshots/. Outside Shopify, a merchant and an
// affiliate sign in with emailed links that mail scanners opened first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  API_KEY, SHOP, artifacts, launchBrowser, mintToken, sandbox, screenshots, shopAPI, startStack, stopStack, until,
} from './harness.mjs';

const host = Buffer.from(`admin.shopify.com/store/${SHOP.split('.')[0]}`).toString('base64url');
let stack;
let browser;
let page;
let orderID;

// App Bridge comes from Shopify's CDN, which this machine cannot reach: the
// test serves a stand-in whose idToken() hands out tokens signed like
// Shopify's, so the app runs its real App Bridge code path.
const appBridgeStub = 'window.shopify = { idToken: () => window.__codecreditTestToken() };';

async function open(path) {
  await page.goto(`${stack.appURL}/admin${path}${path.includes('?') ? '&' : '?'}shop=${SHOP}&host=${host}&embedded=1`);
}

async function shot(name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

// A mail scanner opens every link in an email before the person does:
// HEAD and GET, following redirects. Neither may use a sign-in link up.
async function scanLink(link) {
  await fetch(link, { method: 'HEAD' });
  const res = await fetch(link);
  assert.equal(res.status, 200, 'a scanner opening the link gets the confirm page');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(await res.text(), /<form method="post"/);
}

async function navTo(label) {
  await page.locator('.Polaris-Navigation').getByRole('link', { name: label, exact: true }).click();
}

describe('embedded admin', () => {
  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    await browser.exposeFunction('__codecreditTestToken', () => mintToken());
    await browser.route('https://cdn.shopify.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: appBridgeStub }));
    page = await browser.newPage();
    page.setDefaultTimeout(20000);
  });

  after(async () => {
    await browser?.close();
    stopStack();
    console.log(`screenshots: ${screenshots}`);
  });

  test('the first open installs the shop and imports its codes with a progress bar', async () => {
    await open('/');
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    const html = await (await fetch(`${stack.appURL}/admin/?shop=${SHOP}`)).text();
    assert.match(html, new RegExp(`<meta name="shopify-api-key" content="${API_KEY}">`));
    await page.getByText(`${SHOP} (shopify)`).waitFor();
    await page.getByText(/40 codes imported/).waitFor({ timeout: 60000 });
    assert.ok(await page.getByRole('progressbar').count() >= 1);
    await shot('01-get-started');
  });

  test('data seeded through the API shows up in the admin', async () => {
    for (const [name, email] of [['Bea Cruz', 'bea@example.com'], ['Carl Diaz', 'carl@example.com'], ['Dana Eve', 'dana@example.com']]) {
      await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email } });
    }
    const codes = await shopAPI(stack.appURL, '/codes?per_page=1&source=imported');
    assert.equal(codes.total, 40);
    // No hold period, so the order below can be approved and paid out in this test.
    await shopAPI(stack.appURL, '/settings', { method: 'PUT', body: { default_commission: { hold_days: 0 } } });
  });

  test('a new affiliate is created', async () => {
    await navTo('Affiliates');
    await page.getByRole('cell', { name: 'Bea Cruz' }).waitFor();
    await page.getByRole('button', { name: 'Add affiliate' }).first().click();
    await page.getByLabel('Name').fill('Ann Lee');
    await page.getByLabel('Email').fill('ann@example.com');
    await page.getByRole('dialog').getByRole('button', { name: 'Add affiliate' }).click();
    await page.getByRole('cell', { name: 'Ann Lee' }).waitFor();
    await page.getByPlaceholder('Search by name or email').fill('ann');
    await until('the search to narrow the list', async () => (await page.getByRole('cell', { name: 'Bea Cruz' }).count()) === 0);
    await page.getByPlaceholder('Search by name or email').fill('');
    await page.getByRole('cell', { name: 'Bea Cruz' }).waitFor();
    await shot('02-affiliates');
  });

  test('a code is generated with a preview and created on the store', async () => {
    await navTo('Codes');
    await page.getByRole('button', { name: 'Generate codes' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('For').selectOption({ label: 'Ann Lee (ann@example.com)' });
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('ANN10 for Ann Lee').waitFor();
    await shot('03-codes-generate-preview');
    await dialog.getByRole('button', { name: 'Generate codes' }).click();
    await page.getByRole('cell', { name: 'ANN10' }).waitFor();
    await until('ANN10 to be created on the store', async () => {
      const res = await shopAPI(stack.appURL, '/codes?q=ANN10');
      return res.data[0] && res.data[0].sync_status === 'synced';
    }, 30000);
    await page.getByLabel('Source').selectOption('generated');
    await page.getByRole('cell', { name: 'ANN10' }).waitFor();
    await page.getByLabel('Source').selectOption('');
    await shot('04-codes');
  });

  test('an order paid with the code appears as a conversion', async () => {
    const res = await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
      codes: ['ann10'], email: 'buyer@example.com', first_name: 'Bo', last_name: 'Buyer', shipping: '4.99', tax_rate: 800,
      lines: [{ title: 'Mug', price: '25.00', quantity: 2 }, { title: 'Poster', price: '50.00', quantity: 1 }],
    });
    orderID = res.order_id;
    await navTo('Conversions');
    const row = page.getByRole('row').filter({ hasText: 'ANN10' });
    await until('the conversion to appear', async () => {
      if (await row.count()) return true;
      await page.reload();
      return false;
    }, 30000, 1000);
    await row.getByText('$90.00').waitFor(); // 100.00 less 10%, before tax and shipping
    await row.getByText('$9.00').waitFor(); // the default 10% commission
    await row.getByText('Approved').waitFor(); // no hold period: payable at once
    await row.getByText('Ann Lee').waitFor();
    await shot('05-conversions');
  });

  test('a refund reverses the commission pro rata', async () => {
    await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders/${orderID}/refunds`, { lines: [{ index: 1, quantity: 1 }] });
    const row = page.getByRole('row').filter({ hasText: 'ANN10' });
    await until('the reversal to appear', async () => {
      if (await row.getByText(/refunded/).count()) return true;
      await page.reload();
      return false;
    }, 30000, 1000);
    await row.getByText('$45.00 refunded, $4.50 commission reversed').waitFor();
    await row.getByText('$4.50', { exact: true }).waitFor();
    await shot('06-conversion-refunded');
  });

  test('every other page shows the data', async () => {
    await navTo('Dashboard');
    await page.getByRole('img', { name: /Sales per day/ }).waitFor();
    await page.getByRole('rowheader', { name: 'Ann Lee' }).waitFor();
    await page.getByRole('rowheader', { name: '10% off' }).waitFor();
    await shot('07-dashboard');

    await navTo('Affiliates');
    await page.getByRole('link', { name: 'Ann Lee' }).click();
    await page.getByRole('heading', { name: 'Ann Lee' }).waitFor();
    await page.getByRole('rowheader', { name: 'ANN10' }).waitFor();
    await page.getByLabel('Commission', { exact: true }).fill('15');
    await page.getByRole('button', { name: 'Save commission' }).click();
    await page.getByText('This affiliate has their own commission.').waitFor();
    await shot('08-affiliate');

    // Without a hold the commission was approved as it was booked: no approval run needed.
    await navTo('Payouts');
    await page.getByRole('rowheader', { name: 'Ann Lee' }).waitFor();
    await page.getByText('$4.50').first().waitFor();
    await shot('09-payouts');

    await navTo('Settings');
    await page.getByLabel('Naming rule').fill('{FIRST}-{DISCOUNT}');
    await page.getByText('ANN-15').waitFor();
    const preview = page.getByRole('button', { name: 'Preview' });
    if (await preview.count()) { // the email templates API is served
      await preview.click();
      await page.getByText(/^Subject: /).waitFor();
      await page.frameLocator('iframe[title="Email preview"]').getByText(/^Hi /).first().waitFor();
      // a full-page capture leaves a sandboxed frame out of view blank: shoot it on its own
      await page.locator('iframe[title="Email preview"]').screenshot({ path: join(screenshots, '10b-email-preview.png') });
    }
    await shot('10-settings');

    await navTo('Get started');
    await page.getByText(/of 6 done/).waitFor();
  });

  test('pending commission says when it becomes payable', async () => {
    const affs = await shopAPI(stack.appURL, '/affiliates?per_page=200');
    const ann = affs.data.find((a) => a.name === 'Ann Lee');
    await shopAPI(stack.appURL, `/affiliates/${ann.id}/commission`, { method: 'PUT', body: { hold_days: 14 } });
    await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
      codes: ['ann10'], email: 'second@example.com', first_name: 'Cy', last_name: 'Buyer',
      lines: [{ title: 'Poster', price: '50.00', quantity: 1 }],
    });
    const due = new Date(Date.now() + 14 * 86400000).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    await navTo('Conversions');
    const row = page.getByRole('row').filter({ hasText: 'ANN10' }).filter({ hasText: 'Pending' });
    await until('the held conversion to appear', async () => {
      if (await row.count()) return true;
      await page.reload();
      return false;
    }, 30000, 1000);
    await row.getByText(`payable on ${due}`).waitFor();
    await shot('05b-conversions-payable-on');

    await navTo('Payouts');
    await page.getByRole('heading', { name: 'On hold' }).waitFor();
    const held = page.getByRole('row').filter({ hasText: 'Ann Lee' }).filter({ hasText: due });
    await held.waitFor();
    await shot('09b-payouts-on-hold');

    await navTo('Affiliates');
    await page.getByRole('link', { name: 'Ann Lee' }).click();
    await page.getByRole('columnheader', { name: 'Next payable on' }).waitFor();
    await page.getByRole('row').filter({ hasText: due }).first().waitFor();
    await shot('08b-affiliate-payable-on');
    await shopAPI(stack.appURL, `/affiliates/${ann.id}/commission`, { method: 'PUT', body: { hold_days: 0 } });
  });

  test('a bad session token is refused with the retry header', async () => {
    for (const token of [mintToken({ secret: 'forged' }), mintToken({ ttl: -120 }), mintToken({ aud: 'another-app' })]) {
      const res = await fetch(`${stack.appURL}/api/v1/affiliates`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('x-shopify-retry-invalid-session-request'), '1');
      assert.doesNotMatch(await res.text(), /Ann Lee/);
    }
    const other = await fetch(`${stack.appURL}/api/v1/affiliates`, { headers: { Authorization: `Bearer ${mintToken({ shop: 'other.myshopify.com' })}` } });
    assert.equal(other.status, 403);
    const bare = await browser.newPage();
    await bare.route('https://cdn.shopify.com/**', (route) => route.abort());
    await bare.goto(`${stack.appURL}/admin/?shop=${SHOP}&host=${host}&id_token=${mintToken({ secret: 'forged' })}`);
    await bare.getByText('Your session could not be verified').waitFor();
    await bare.screenshot({ path: join(screenshots, '11-invalid-session.png') });
    await bare.close();
  });

  test('outside Shopify the admin asks to sign in', async () => {
    const res = await fetch(`${stack.appURL}/admin/`);
    assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
    const framed = await fetch(`${stack.appURL}/admin/?shop=${SHOP}`);
    assert.equal(framed.headers.get('content-security-policy'), `frame-ancestors https://${SHOP} https://admin.shopify.com`);
    const bare = await browser.newPage();
    await bare.goto(`${stack.appURL}/admin/`);
    await bare.getByRole('heading', { name: 'Sign in to Codecredit' }).waitFor();
    await bare.screenshot({ path: join(screenshots, '12-sign-in.png') });
    await bare.close();
  });

  test('a merchant signs in with the emailed link after a mail scanner opened it', async () => {
    const bare = await browser.newPage();
    await bare.goto(`${stack.appURL}/admin/`);
    await bare.getByLabel('Email').fill('demo@example.com');
    await bare.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await bare.getByText('Check your inbox').waitFor();
    // Without SMTP_URL the server logs the link instead of mailing it.
    const link = await until('the sign-in link in the server log', async () => readFileSync(join(artifacts, 'server.log'), 'utf8')
      .split('\n').filter((l) => l.includes('merchant sign-in link')).map((l) => JSON.parse(l).link).pop());
    await scanLink(link);
    await bare.goto(link);
    await bare.getByRole('heading', { name: 'Sign in to Codecredit admin' }).waitFor();
    await bare.screenshot({ path: join(screenshots, '13-sign-in-confirm.png') });
    await bare.getByRole('button', { name: 'Sign in' }).click();
    await bare.waitForURL(`${stack.appURL}/admin/`);
    await bare.locator('.Polaris-Navigation').waitFor();
    const used = await fetch(link, { redirect: 'manual' });
    assert.equal(used.status, 302);
    assert.equal(used.headers.get('location'), '/admin/?login=expired');
    await bare.close();
    await browser.clearCookies();
  });

  test('an affiliate signs in to the portal with the emailed link after a mail scanner opened it', async () => {
    const bare = await browser.newPage();
    await bare.goto(`${stack.appURL}/portal/login`);
    await bare.getByLabel('Email address').fill('ann@example.com');
    await bare.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await bare.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    // Without SMTP_URL the email stays in the outbox, where the API shows it.
    const email = await until('the sign-in email in the outbox', async () => (await shopAPI(stack.appURL, '/emails?kind=portal_login')).data[0]);
    const link = (await shopAPI(stack.appURL, `/emails/${email.id}`)).text.match(/https?:\/\/\S+\/portal\/auth\?token=[\w-]+/)[0];
    await scanLink(link);
    await bare.goto(link);
    await bare.getByRole('heading', { name: /^Sign in to / }).waitFor();
    await bare.screenshot({ path: join(screenshots, '14-portal-sign-in-confirm.png') });
    await bare.getByRole('button', { name: 'Sign in' }).click();
    await bare.waitForURL(`${stack.appURL}/portal/`);
    await bare.getByText('Hi Ann Lee').waitFor();
    await bare.getByText('ANN10').first().waitFor();
    await bare.screenshot({ path: join(screenshots, '15-portal.png'), fullPage: true });
    const used = await fetch(link);
    assert.equal(used.status, 410);
    assert.match(await used.text(), /already used/);
    await bare.close();
    await browser.clearCookies();
  });
});
