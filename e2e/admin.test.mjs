// The embedded admin in a real browser, as a Shopify merchant uses it:
// opened inside Shopify admin with a session token, it installs the shop,
// imports its codes, adds an affiliate, generates their code, sees the
// order paid with it and the refund that reverses it. Screenshots of every
// page go to e2e/artifacts/screenshots/. Outside Shopify, a merchant and an
// affiliate sign in with emailed links that mail scanners opened first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API_KEY, SHOP, artifacts, launchBrowser, mintToken, repo, sandbox, screenshots, shopAPI, startStack, stopStack, until,
  HOST, adminURL, launchEmbedded, shoot,
} from './harness.mjs';

let stack;
let browser;
let page;
let orderID;


async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shot = (name) => shoot(page, name);

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
    ({ browser, page } = await launchEmbedded());
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
    await page.getByText('Connected:').waitFor();
    await page.getByText('Demo', { exact: true }).first().waitFor(); // the shop's name, not its domain
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
    await page.getByRole('cell', { name: 'ANN10', exact: true }).waitFor();
    await until('ANN10 to be created on the store', async () => {
      const res = await shopAPI(stack.appURL, '/codes?q=ANN10');
      return res.data[0] && res.data[0].sync_status === 'synced';
    }, 30000);
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
    // The email template editor previews as the merchant types.
    const subject = page.getByLabel('Subject', { exact: true });
    await page.frameLocator('iframe[title="Email preview"]').getByText(/^Hi /).first().waitFor();
    await subject.fill(`${await subject.inputValue()} (live check)`);
    await page.getByText(/\(live check\)$/).waitFor();
    // a full-page capture leaves a sandboxed frame out of view blank: shoot it on its own
    await page.locator('iframe[title="Email preview"]').screenshot({ path: join(screenshots, '10b-email-preview.png') });
    await shot('10-settings');

    await navTo('Commission');
    await page.getByRole('heading', { name: 'Which rule decides' }).waitFor();
    await page.locator('[role="region"][aria-label="What this order would earn"][aria-busy="false"]')
      .getByText(/^An order of these lines would earn \$\d/).waitFor();
    await shot('12-commission');

    await navTo('Get started');
    await page.getByText(/of 7 done/).waitFor();
  });

  // ---- Codes: filters, uses and sales, store choice, unassigning ----

  async function shotWide(name) {
    for (const [w, h] of [[1440, 900], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      await shot(`${name}-${w}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function pickFilter(label, choice) {
    await page.getByRole('button', { name: label, exact: true }).click();
    await page.locator('.Polaris-Popover').getByText(choice, { exact: true }).click();
    await page.keyboard.press('Escape');
  }

  test('codes show their uses and sales and narrow with Polaris filters', async () => {
    await navTo('Codes');
    const ann = page.getByRole('row').filter({ hasText: 'ANN10' });
    await ann.getByText('$45.00').waitFor(); // $90.00 less the $45.00 refunded
    assert.equal((await ann.getByRole('cell').nth(3).innerText()).trim(), '1', 'one order used ANN10');
    await pickFilter('Assigned', 'Not assigned');
    await until('ANN10 to leave the unassigned codes', async () => (await ann.count()) === 0);
    await page.getByRole('button', { name: /Clear all/ }).first().click();
    await ann.waitFor();
    await pickFilter('Affiliate', 'Ann Lee');
    await until('only Ann Lee\'s codes to be listed', async () => (await page.getByRole('row').filter({ hasText: 'Not assigned' }).count()) === 0);
    await ann.waitFor();
    await pickFilter('Source', 'Generated');
    await pickFilter('Status', 'Active');
    await ann.waitFor();
    await page.getByRole('button', { name: /Clear all/ }).first().click();
    await page.getByPlaceholder('Search codes (code starts with…)').fill('ann1');
    await until('the search to narrow the list', async () => (await page.getByRole('row').filter({ hasText: 'Not assigned' }).count()) === 0);
    await ann.waitFor();
    await shotWide('04b-codes-filtered');
    await page.getByPlaceholder('Search codes (code starts with…)').fill('');
  });

  test('with several stores connected, codes are generated on the store chosen', async () => {
    const real = (await shopAPI(stack.appURL, '/connections')).data.find((c) => c.platform === 'shopify');
    // A second store, as the admin sees it; the codes are generated on the real one.
    await page.route('**/api/v1/connections', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.data = [{ ...real, id: 999999, platform: 'stripe', external_id: 'acct_e2e_second', name: undefined }, ...body.data];
      await route.fulfill({ response: res, json: body });
    });
    const sent = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/codes/generate')) sent.push(r.postDataJSON()); });
    try {
      await navTo('Dashboard');
      await navTo('Codes');
      await page.getByRole('button', { name: 'Generate codes' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('For').selectOption({ label: 'Bea Cruz (bea@example.com)' });
      await dialog.getByLabel('Store').selectOption({ label: `Shopify: ${real.name || SHOP}` });
      await dialog.getByRole('button', { name: 'Preview' }).click();
      await dialog.getByText('BEA10 for Bea Cruz').waitFor();
      await shotWide('04c-codes-generate-store');
      await dialog.getByRole('button', { name: 'Generate codes' }).click();
      await page.getByRole('cell', { name: 'BEA10', exact: true }).waitFor();
    } finally {
      await page.unroute('**/api/v1/connections');
    }
    assert.equal(sent[0].connection_id, real.id, 'the request names the chosen store');
    const made = await shopAPI(stack.appURL, '/codes?q=BEA10');
    assert.equal(made.data[0].connection_id, real.id);
  });

  test('unassigning asks first and can deactivate the code too', async () => {
    const row = page.getByRole('row').filter({ hasText: 'BEA10' });
    await row.getByRole('button', { name: 'Unassign' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Unassign BEA10?').waitFor();
    await dialog.getByText(/earn Bea Cruz no commission/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await row.getByText('Bea Cruz').waitFor(); // nothing changed
    await row.getByRole('button', { name: 'Unassign' }).click();
    await dialog.getByLabel('Also deactivate the code').check();
    await shotWide('04d-codes-unassign');
    await dialog.getByRole('button', { name: 'Unassign and deactivate' }).click();
    await row.getByText('Not assigned').waitFor();
    await row.getByText('Inactive').waitFor();
    const code = (await shopAPI(stack.appURL, '/codes?q=BEA10')).data[0];
    assert.equal(code.affiliate_id, undefined);
    assert.equal(code.active, false);
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
    await bare.goto(`${stack.appURL}/admin/?shop=${SHOP}&host=${HOST}&id_token=${mintToken({ secret: 'forged' })}`);
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
    await bare.getByText("Check the server's log").waitFor();
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

// A newcomer runs the binary with nothing configured and follows the log:
// the printed install URL ends signed in on Get started, in the account
// whose API key the log prints, with stores shown by name, one-click
// sandbox connections and a link to the sandbox store for a test order.
describe('newcomer: from the printed install URL to Get started', () => {
  let server;
  let logPath;
  let nb;
  let np;
  const logged = () => readFileSync(logPath, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

  before(async () => {
    const work = mkdtempSync(join(tmpdir(), 'codecredit-newcomer-'));
    const bin = process.env.CC_SERVER_BIN || join(work, 'server');
    if (!process.env.CC_SERVER_BIN) execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });
    const port = await new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
    logPath = join(artifacts, 'newcomer-server.log');
    const out = createWriteStream(logPath);
    // Nothing configured: only what any shell has, a port and a fresh data directory.
    server = spawn(bin, [], { cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: join(work, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.pipe(out);
    server.stderr.pipe(out);
    await until('the log to print the install URL and the admin', async () => logged().some((l) => l.msg === 'listening'), 60000);
    nb = await launchBrowser();
    np = await nb.newPage();
    np.setDefaultTimeout(20000);
  });

  after(async () => {
    await nb?.close();
    server?.kill('SIGTERM');
  });

  test('the install URL from the log ends signed in on Get started, in the demo account', async () => {
    const shopify = logged().find((l) => l.what === 'shopify');
    const demo = logged().find((l) => l.msg === 'demo account created');
    assert.ok(logged().find((l) => l.msg === 'listening').admin_url.endsWith('/admin/'), 'the log prints the admin URL');
    await np.goto(shopify.install_url);
    await np.waitForURL(/\/admin\/$/);
    await np.getByRole('heading', { name: 'Get started' }).waitFor();
    await np.getByText('Demo Store', { exact: true }).first().waitFor();
    await np.getByText(/300 codes imported/).waitFor({ timeout: 60000 });
    assert.equal(await np.getByText('demo-store.myshopify.com').count(), 0, 'the store is shown by name, not by domain');
    const origin = new URL(shopify.install_url).origin;
    const byKey = await (await fetch(`${origin}/api/v1/connections`, { headers: { Authorization: `Bearer ${demo.api_key}` } })).json();
    assert.deepEqual(byKey.data.map((c) => c.name), ['Demo Store'], 'the printed API key sees the installed shop');
    await np.screenshot({ path: join(screenshots, '20-newcomer-get-started.png'), fullPage: true });
  });

  test('Connect Stripe connects the sandbox in one click, Import again says it started', async () => {
    await np.getByRole('button', { name: 'Connect Stripe' }).click();
    await np.getByText('Demo SaaS', { exact: true }).first().waitFor();
    await np.getByText(/40 codes imported/).waitFor({ timeout: 60000 });
    await np.getByRole('button', { name: 'Import again' }).first().click();
    await np.getByText('Import of Demo Store started').waitFor();
    await np.getByText(/300 codes imported/).waitFor({ timeout: 60000 });
    assert.equal(await np.getByRole('button', { name: 'Connect Stripe' }).count(), 0);
  });

  test('the test order step links the sandbox store, and the setup is not all done before a sale', async () => {
    const controls = logged().find((l) => l.what === 'shopify').controls;
    const link = np.getByRole('link', { name: 'Open the sandbox store' });
    assert.equal(await link.getAttribute('href'), controls);
    await np.getByText(/^\d of 7 done$/).waitFor();
    assert.equal(await np.getByText('7 of 7 done').count(), 0);
    await np.screenshot({ path: join(screenshots, '21-newcomer-get-started-connected.png'), fullPage: true });
    await np.setViewportSize({ width: 390, height: 844 });
    await np.screenshot({ path: join(screenshots, '22-newcomer-get-started-390.png'), fullPage: true });
    await np.setViewportSize({ width: 1280, height: 900 });
  });

  test('the sign-in page says the link is in the server log', async () => {
    await nb.clearCookies(); // signed out: a fresh visitor
    const page2 = np;
    await page2.goto(new URL(logged().find((l) => l.what === 'shopify').install_url).origin + '/admin/');
    await page2.getByLabel('Email').fill('demo@example.com');
    await page2.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page2.getByText("Check the server's log").waitFor();
    await page2.getByText(/No email is configured: the link is in the server's log/).waitFor();
  });
});
