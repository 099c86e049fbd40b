// Payouts and the dashboard's range in a real browser, inside Shopify
// admin: the merchant sets a minimum payout, pays everyone payable in one
// action, downloads the run's CSV, opens a payout to see what it covered,
// sees a clawback carried into the next payout, and moves the dashboard's
// date range; sets an affiliate's payout method, which the affiliate then
// changes in the portal, and downloads the year-end report; once the shop
// connects Stripe, an affiliate connects with Stripe from the portal,
// onboards on Stripe's page and comes back ready to be paid. Screenshots at 1440×900 and 390×844 go to
// e2e/artifacts/screenshots/payouts-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// The local Stripe sandbox runs inside the app (the Shopify one stays the
// configured platform), for Connect with Stripe.
process.env.SANDBOXES = 'stripe';
import { join } from 'node:path';
import { SHOP, artifacts, launchBrowser, mintToken, sandbox, screenshots, shopAPI, startStack, stopStack, until, adminURL, launchEmbedded, shootBothWidths, untilOnStore } from './harness.mjs';

let stack;
let browser;
let page;
const orders = {};

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shots = (name) => shootBothWidths(page, `payouts-${name}`);

async function sell(key, code, price) {
  const res = await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
    codes: [code], email: `${key}@example.com`, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Lamp', price, quantity: 1 }],
  });
  orders[key] = res.order_id;
}

async function approved(name) {
  const b = await shopAPI(stack.appURL, '/balances');
  return b.data.filter((x) => x.affiliate_name === name).reduce((s, x) => s + x.approved, 0);
}

describe('payouts and the dashboard range', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('the shop is installed and three affiliates earn commission', async () => {
    await open('/');
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    await shopAPI(stack.appURL, '/settings', { method: 'PUT', body: { default_commission: { hold_days: 0 } } });
    for (const [name, code] of [['Ann Lee', 'ANNPAY'], ['Ben Ode', 'BENPAY'], ['Cy Park', 'CYPAY']]) {
      const aff = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email: `${code.toLowerCase()}@example.com` } });
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: aff.id } });
    }
    await untilOnStore(stack.appURL, ['ANNPAY', 'BENPAY', 'CYPAY']);
    await sell('ann1', 'ANNPAY', '100.00'); // 10% of 90.00 after the discount: 9.00
    await sell('ann2', 'ANNPAY', '100.00'); // 9.00
    await sell('ben1', 'BENPAY', '30.00'); // 2.70
    await sell('cy1', 'CYPAY', '60.00'); // 5.40
    await until('every order to be attributed', async () => (await approved('Ann Lee')) === 1800 &&
      (await approved('Ben Ode')) === 270 && (await approved('Cy Park')) === 540, 30000, 500);
  });

  test('a minimum payout is set in Settings', async () => {
    await open('/settings');
    await page.getByLabel('Minimum payout').fill('5.00');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Settings saved').waitFor();
    const s = await shopAPI(stack.appURL, '/settings');
    assert.equal(s.min_payout, 500);
    await page.getByText('Affiliates are paid once they have $5.00 approved.').waitFor();
    await shots('settings');
  });

  test('pay everyone payable pays those at the minimum once, with a CSV', async () => {
    await open('/payouts');
    await page.getByText('Minimum payout: $5.00.').waitFor();
    const below = page.getByRole('row').filter({ hasText: 'Ben Ode' });
    await below.getByText('$2.30 more').waitFor();
    await shots('before-run');
    await page.getByRole('button', { name: 'Pay everyone payable' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('One affiliate is below the $5.00 minimum').waitFor();
    await dialog.getByLabel('Method').fill('PayPal');
    await dialog.getByLabel('Reference').fill('Batch 7');
    await dialog.getByRole('button', { name: 'Mark $23.40 as paid' }).dblclick();
    await dialog.getByText('2 affiliates marked as paid, $23.40 in all.').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, 'a header and one row per payout');
    assert.match(csv.find((l) => l.includes('Ann Lee')), /,USD,18\.00,0\.00,PayPal,Batch 7,/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    const payouts = await shopAPI(stack.appURL, '/payouts');
    assert.equal(payouts.data.length, 2, 'a double click paid nobody twice');
    assert.equal(await approved('Ben Ode'), 270, 'below the minimum stays approved');
    const runID = payouts.data[0].run_id;
    const again = await shopAPI(stack.appURL, `/payouts/runs/${runID}`);
    assert.equal(again.payout_count, 2);
  });

  test('the history opens to what a payout covered', async () => {
    const row = page.getByRole('row').filter({ hasText: 'Ann Lee' }).filter({ hasText: 'PayPal · Batch 7' });
    await row.getByText('$18.00').waitFor();
    await row.getByRole('button', { name: 'What it covered' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Payout to Ann Lee').waitFor();
    assert.equal(await dialog.getByRole('row').filter({ hasText: 'Commission' }).count(), 2);
    await shots('detail');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  test('a refund after payout is carried into the next payout', async () => {
    await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders/${orders.ann1}/refunds`, { lines: [{ index: 0, quantity: 1 }] });
    await until('the clawback', async () => (await approved('Ann Lee')) === -900, 30000, 500);
    await page.reload();
    const neg = page.getByRole('row').filter({ hasText: 'Ann Lee' }).filter({ hasText: '−$9.00' });
    await neg.waitFor();
    await page.getByRole('heading', { name: 'Negative balances' }).waitFor();
    await shots('negative');
    await sell('ann3', 'ANNPAY', '200.00'); // 18.00 − 9.00 carried = 9.00
    await until('the new order', async () => (await approved('Ann Lee')) === 900, 30000, 500);
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Ann Lee' }).filter({ hasText: '−$9.00' }).getByText('$9.00', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Pay everyone payable' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('carried from earlier payouts: −$9.00').waitFor();
    await dialog.getByRole('button', { name: 'Mark $9.00 as paid' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row').filter({ hasText: 'after −$9.00 carried' });
    await row.getByRole('button', { name: 'What it covered' }).click();
    await page.getByRole('dialog').getByText('Carried from earlier payouts: −$9.00').waitFor();
    await shots('carried');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();
  });

  test('the dashboard range changes the numbers and survives a reload', async () => {
    await open('/dashboard?range=7d');
    const sales = page.getByRole('region', { name: 'Affiliate sales' });
    // 90 + 90 + 27 + 54 + 180, less ann1's 90 refunded
    await sales.getByText('$351.00').waitFor();
    await page.getByRole('img', { name: /Commission per day/ }).waitFor();
    await page.getByRole('rowheader', { name: 'Ann Lee' }).waitFor();
    await page.getByRole('rowheader', { name: 'ANNPAY' }).waitFor();
    await shots('dashboard');
    await page.getByLabel('Date range').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2025-01-01');
    await page.getByLabel('To', { exact: true }).fill('2025-01-31');
    await sales.getByText('$0.00').waitFor();
    const q = new URL(page.url()).searchParams;
    assert.deepEqual([q.get('range'), q.get('from'), q.get('to'), q.get('shop')], ['custom', '2025-01-01', '2025-01-31', SHOP]);
    await page.reload();
    await sales.getByText('$0.00').waitFor();
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '2025-01-01');
    await page.getByText('No orders with an affiliate in this range.').waitFor();
    await shots('dashboard-empty-range');
  });
  test('the merchant sets a payout method and the affiliate changes it in the portal', async () => {
    const ben = (await shopAPI(stack.appURL, '/affiliates?per_page=10')).data.find((a) => a.name === 'Ben Ode');
    await open(`/affiliates/${ben.id}`);
    const card = page; // the affiliate's page has one payout details card
    await card.getByText('Not entered yet').waitFor();
    await card.getByRole('button', { name: 'Set', exact: true }).click();
    await card.getByLabel('Pay by').selectOption('manual');
    await card.getByLabel('Bank details').fill('12');
    await card.getByRole('button', { name: 'Save payout details' }).click();
    await card.getByText('Enter your bank details: account holder and IBAN').waitFor();
    await card.getByLabel('Bank details').fill('Ben Ode, IBAN DE89 3704 0044 0532 0130 00');
    await card.getByRole('button', { name: 'Save payout details' }).click();
    await card.getByText('Ben Ode, IBAN DE89 3704 0044 0532 0130 00').waitFor();
    await card.getByText(/Updated .* by Shopify admin of demo\.myshopify\.com/).waitFor();
    await shots('affiliate-payout-method');

    await page.goto(`${stack.appURL}/portal/login`);
    await page.getByLabel(/email/i).fill('benpay@example.com');
    await page.getByRole('button', { name: /sign-in link|send/i }).click();
    const link = await until('the sign-in email in the outbox', async () => {
      const list = await shopAPI(stack.appURL, '/emails?per_page=50');
      const mail = list.data.find((m) => m.to === 'benpay@example.com' && /login/.test(m.kind));
      if (!mail) return null;
      const full = await shopAPI(stack.appURL, `/emails/${mail.id}`);
      return (full.text.match(/https?:\/\/\S+\/portal\/auth\?token=[\w-]+/) || [])[0];
    }, 30000, 500);
    const u = new URL(link);
    await page.goto(stack.appURL + u.pathname + u.search);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Bank account ending 3000').waitFor();
    await page.getByText('set by the shop').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Connect with Stripe' }).count(), 0, 'no Stripe connection, no Stripe button');
    await page.getByText('Change payout details').click();
    await page.getByRole('radio', { name: 'PayPal' }).check();
    await page.getByLabel('PayPal email address').fill('ben-at-paypal');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    await page.locator('#error-paypal_email').getByText('is not an email address').waitFor();
    await shots('portal-payout-error');
    await page.getByRole('radio', { name: /Store credit at/ }).check();
    await page.getByText('Store credit goes to the customer account with your email, benpay@example.com').waitFor();
    await page.getByRole('button', { name: 'Save payout details' }).click();
    await page.getByText('Your payout details are saved.').waitFor();
    await page.getByText('Store credit for b•••@example.com').waitFor();
    await shots('portal-payout-method');

    await open(`/affiliates/${ben.id}`);
    await card.getByText('Store credit (Shopify)').waitFor();
    await card.getByText(/by the affiliate, in their portal/).waitFor();
  });

  test('an affiliate connects with Stripe from the portal and comes back ready to be paid', async () => {
    const hint = readFileSync(join(artifacts, 'server.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .find((l) => l.what === 'stripe' && l.connect)?.connect;
    const apiKey = JSON.parse(hint.slice(hint.indexOf('{'))).api_key;
    await shopAPI(stack.appURL, '/connections/stripe', { method: 'POST', body: { api_key: apiKey } });
    await page.goto(`${stack.appURL}/portal/`);
    await page.getByText('Store credit for b•••@example.com').waitFor();
    await page.getByRole('button', { name: 'Connect with Stripe' }).click();
    await page.getByRole('heading', { name: 'Get paid through Stripe' }).waitFor();
    assert.match(page.url(), /\/_sandbox\/stripe\/setup\/e\/acct_/);
    await shots('stripe-onboarding');
    await page.getByRole('button', { name: 'Complete onboarding' }).click();
    await page.getByText('Back from Stripe.').waitFor();
    await page.getByText('Stripe account: ready to receive payouts').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/portal\/$/);
    await shots('portal-stripe-ready');
    const ben = (await shopAPI(stack.appURL, '/affiliates?per_page=10')).data.find((a) => a.name === 'Ben Ode');
    const details = (await shopAPI(stack.appURL, `/affiliates/${ben.id}`)).payout_details;
    assert.equal(details.method, 'stripe_connect');
    assert.equal(details.connect_state, 'enabled');
  });

  test('the year-end report lists what each affiliate was paid by method', async () => {
    const year = String(new Date().getUTCFullYear());
    await open('/payouts');
    await page.getByRole('button', { name: 'Year-end report' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Calendar year').selectOption(year);
    await dialog.getByText('A help for your bookkeeping, not tax advice.').waitFor();
    await shots('year-end');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.equal(download.suggestedFilename(), `payouts-${year}-year-end.csv`);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.match(lines[0], /not tax advice/);
    assert.equal(lines[1], 'affiliate_id,name,email,currency,paypal,stripe_connect,store_credit,manual,total,paid_outside_paypal,1099_nec_threshold,at_or_above_1099_nec_threshold');
    // Ann: 18.00 in the PayPal run, 9.00 in the run without a method; Cy: 5.40 by PayPal; Ben was never paid.
    const threshold = Number(year) <= 2025 ? '600.00' : '2000.00';
    assert.match(lines[2], new RegExp(`^\\d+,Ann Lee,annpay@example.com,USD,18\\.00,0\\.00,0\\.00,9\\.00,27\\.00,9\\.00,${threshold},no$`));
    assert.match(lines[3], new RegExp(`^\\d+,Cy Park,cypay@example.com,USD,5\\.40,0\\.00,0\\.00,0\\.00,5\\.40,0\\.00,${threshold},no$`));
    assert.equal(lines.length, 4);
  });
});
