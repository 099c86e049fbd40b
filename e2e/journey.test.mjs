// The acceptance journey: a newcomer starts the binary with nothing
// configured and, by the log and the screens alone, goes from the install
// to a commission approved and paid. Each step and its duration go to
// artifacts/journey.json and journey.md.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, launchBrowser, screenshots, until } from './harness.mjs';
import { serverBinary, startNewcomer } from './newcomer.mjs';

const shots = join(screenshots, 'journey');
const steps = [];
let server;
let bin;
let browser;
let page;

function record() {
  const total = steps.reduce((s, x) => s + x.ms, 0);
  writeFileSync(join(artifacts, 'journey.json'), JSON.stringify({ started: steps[0]?.at, total_ms: total, steps }, null, 2));
  const lines = ['# Journey: from nothing configured to a paid commission', '',
    '| # | Step | Result | Seconds |', '|---|------|--------|---------|',
    ...steps.map((s, i) => `| ${i + 1} | ${s.name} | ${s.ok ? 'ok' : `failed: ${s.error}`} | ${(s.ms / 1000).toFixed(1)} |`),
    '', `Total: ${(total / 1000).toFixed(1)} s`, ''];
  writeFileSync(join(artifacts, 'journey.md'), lines.join('\n'));
}

/** Runs one step of the journey, timed, with a screenshot after it. */
async function step(name, fn) {
  const at = new Date().toISOString();
  const t0 = Date.now();
  try {
    await fn();
    steps.push({ name, ok: true, ms: Date.now() - t0, at });
  } catch (e) {
    steps.push({ name, ok: false, ms: Date.now() - t0, at, error: String(e.message).split('\n')[0] });
    throw e;
  } finally {
    record();
    if (page) await page.screenshot({ path: join(shots, `${String(steps.length).padStart(2, '0')}.png`), fullPage: true }).catch(() => {});
  }
}

/** Goes to an admin page through its menu item. */
async function openNav(name) {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).first().click();
  await page.getByRole('heading', { name, exact: true }).first().waitFor();
}

/** Reloads the page until the locator shows, for slow background work. */
async function reloadUntil(what, locator, ms = 60000) {
  await until(what, async () => {
    if (await locator.first().isVisible()) return true;
    await page.reload();
    await page.waitForLoadState('networkidle').catch(() => {});
    return locator.first().isVisible();
  }, ms, 1000);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  bin = serverBinary(); // built before the clock starts
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('a newcomer goes from the printed install URL to a paid commission', { timeout: 600000 }, async () => {
  let installURL;
  let controls;
  let apiKey;
  let origin;
  await step('start the binary with nothing configured and read the log', async () => {
    server = await startNewcomer('journey-server.log', bin);
    const shopify = server.logged().find((l) => l.what === 'shopify');
    installURL = shopify.install_url;
    controls = shopify.controls;
    apiKey = server.logged().find((l) => l.msg === 'demo account created').api_key;
    origin = new URL(installURL).origin;
    assert.ok(installURL && controls && apiKey, 'the log prints the install URL, the sandbox controls and an API key');
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(30000);
  });

  await step('install the demo store from the printed URL', async () => {
    await page.goto(installURL);
    await page.waitForURL(/\/admin\/$/);
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
  });

  await step('wait for the store\'s discount codes to import', async () => {
    await page.getByText(/\d+ codes imported/).first().waitFor({ timeout: 120000 });
  });

  await step('set the commission on Get started: 10%, held 0 days', async () => {
    await page.getByLabel('Commission', { exact: true }).fill('10');
    await page.getByLabel('Hold period').fill('0');
    await page.getByRole('button', { name: 'Save commission' }).click();
    await page.getByText('Commission saved').waitFor();
  });

  await step('add an affiliate', async () => {
    await page.getByRole('button', { name: /Add (an )?affiliate/ }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ann Lee');
    await dialog.getByLabel('Email').fill('ann@example.com');
    await dialog.getByRole('button', { name: /Add affiliate|Save/ }).click();
    await page.getByText('Ann Lee').first().waitFor();
  });

  await step('give the affiliate a code', async () => {
    await openNav('Codes');
    await page.getByRole('button', { name: 'Add a code' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Code', { exact: true }).fill('ANN10');
    const percent = dialog.getByLabel('Percent');
    if (await percent.count() && !(await percent.inputValue())) await percent.fill('10');
    const choice = dialog.getByLabel('Affiliate');
    const value = await choice.locator('option', { hasText: 'Ann Lee' }).first().getAttribute('value');
    await choice.selectOption(value);
    await dialog.getByRole('button', { name: 'Add code' }).click();
    await page.getByRole('row').filter({ hasText: 'ANN10' }).filter({ hasText: 'Ann Lee' }).waitFor();
  });

  await step('place a test order with the code in the sandbox store linked from Get started', async () => {
    await openNav('Get started');
    const link = page.getByRole('link', { name: 'Open the sandbox store' });
    const href = await link.getAttribute('href');
    assert.equal(href, controls, 'Get started links the sandbox store the log printed');
    const store = await browser.newPage();
    await store.goto(href);
    await store.getByLabel('Code', { exact: true }).fill('ANN10');
    await store.getByLabel('Price').fill('80.00');
    await store.getByRole('button', { name: 'Place order' }).click();
    await until('the sandbox to confirm the order', async () => /order_id/.test(await store.locator('#out').textContent()), 20000);
    await store.screenshot({ path: join(shots, 'sandbox-order.png'), fullPage: true });
    await store.close();
  });

  await step('see the conversion, with its commission', async () => {
    await openNav('Conversions');
    const row = page.getByRole('row').filter({ hasText: 'ANN10' });
    await reloadUntil('the conversion to show', row);
    await row.getByText('$72.00').first().waitFor(); // $80.00 less the code's 10%
    await row.getByText('$7.20').first().waitFor(); // 10% commission
  });

  await step('see the commission approved and pay it', async () => {
    await openNav('Payouts');
    const pay = page.getByRole('button', { name: /^(Pay|Mark( as)? paid)/ });
    await reloadUntil('the commission to become payable', pay);
    await pay.first().click();
    const dialog = page.getByRole('dialog');
    const reference = dialog.getByLabel('Reference');
    if (await reference.count()) await reference.fill('PP-0001');
    await dialog.getByRole('button', { name: /^(Pay|Mark|Record)/ }).last().click();
    await page.getByText('PP-0001').first().waitFor();
  });

  await step('check the balance: $7.20 paid, nothing left to pay', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    await page.getByRole('row').filter({ hasText: 'PP-0001' }).getByText('$7.20').first().waitFor();
    const res = await fetch(`${origin}/api/v1/balances`, { headers: { Authorization: `Bearer ${apiKey}` } });
    const [ann] = (await res.json()).data;
    assert.deepEqual({ approved: ann.approved, pending: ann.pending, paid: ann.paid }, { approved: 0, pending: 0, paid: 720 },
      'the ledger agrees with the screen');
  });
});
