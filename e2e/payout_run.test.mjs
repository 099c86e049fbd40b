// A PayPal payout run in a real browser, against the local PayPal sandbox:
// the merchant saves the PayPal app in Settings, starts the run from the
// Payouts page ("Pay now", a double click pays once), lands on the run and sees one item paid
// and one failed with PayPal's reason; the affiliate gets an email saying
// so, sees the failed payout in the portal and enters a new PayPal email;
// the merchant retries the failed item (a double click sends it once) and
// sees it paid, and the affiliate's portal shows it paid. Screenshots at
// 1440×900 and 390×844 go to e2e/artifacts/screenshots/payout-run-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminURL, freePort, launchEmbedded, repo, shootBothWidths, shopAPI, startStack, stopStack, until } from './harness.mjs';

let stack;
let browser;
let page;
let paypal;
let runID;
const affs = {};

const shots = (name) => shootBothWidths(page, `payout-run-${name}`);
const open = (path) => page.goto(adminURL(stack.appURL, path));

/** Starts the PayPal sandbox (items settle every half second); returns its URL. */
async function startPayPal() {
  const bin = process.env.CC_PAYPAL_SANDBOX_BIN || join(mkdtempSync(join(tmpdir(), 'codecredit-paypal-')), 'paypal-sandbox');
  if (!process.env.CC_PAYPAL_SANDBOX_BIN) execFileSync('go', ['build', '-o', bin, './platforms/paypal/sandbox/cmd/paypal-sandbox'], { cwd: repo, stdio: 'inherit' });
  const addr = `127.0.0.1:${await freePort()}`;
  paypal = spawn(bin, [], { env: { ...process.env, PAYPAL_SANDBOX_ADDR: addr, PAYPAL_SANDBOX_SETTLE: '500ms' }, stdio: 'ignore' });
  const url = `http://${addr}`;
  await until('the PayPal sandbox to answer', async () => (await fetch(`${url}/v1/oauth2/token`, { method: 'POST' })).status > 0, 30000);
  return url;
}

/** The sign-in link the portal emailed to address. */
async function signInLink(address) {
  return until('the sign-in email in the outbox', async () => {
    const list = await shopAPI(stack.appURL, '/emails?per_page=50');
    const mail = list.data.find((m) => m.to === address && m.kind === 'portal_login');
    if (!mail) return null;
    const full = await shopAPI(stack.appURL, `/emails/${mail.id}`);
    return (full.text.match(/https?:\/\/\S+\/portal\/auth\?token=[\w-]+/) || [])[0];
  }, 30000, 500);
}

describe('a PayPal payout run, its failed item retried', () => {
  before(async () => {
    process.env.PAYPAL_BASE_URL = await startPayPal();
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
  });

  after(async () => {
    await browser?.close();
    paypal?.kill('SIGTERM');
    stopStack();
  });

  test('the shop pays two affiliates through PayPal; one PayPal account is locked', async () => {
    await open('/');
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    for (const [name, email, paypalEmail, amount] of [['Ann Lee', 'ann@example.com', 'ann@example.com', 2500], ['Ben Ode', 'ben@example.com', 'ben+failed@example.com', 4000]]) {
      const a = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email } });
      affs[name] = a;
      await shopAPI(stack.appURL, `/affiliates/${a.id}/payout-details`, { method: 'PUT', body: { method: 'paypal', paypal_email: paypalEmail } });
      await shopAPI(stack.appURL, '/adjustments', { method: 'POST', body: { affiliate_id: a.id, amount, currency: 'USD', reason: 'Launch bonus', idempotency_key: `bonus-000${a.id}` } });
    }
  });

  test('the merchant saves the PayPal app in Settings (the secret is not shown again) and tries a schedule', async () => {
    await open('/settings');
    const card = page.locator('.Polaris-ShadowBevel').filter({ has: page.getByRole('heading', { name: 'PayPal Payouts' }) });
    await card.getByText('Not configured', { exact: true }).waitFor();
    await card.getByLabel('Client id', { exact: true }).fill('codecredit-sandbox-client');
    await card.getByRole('button', { name: 'Save PayPal credentials' }).click();
    await card.getByText('Enter the secret of your PayPal REST app').waitFor();
    await card.getByLabel('Secret', { exact: true }).fill('codecredit-sandbox-secret');
    await card.getByRole('button', { name: 'Save PayPal credentials' }).click();
    await card.getByText('Configured', { exact: true }).waitFor();
    assert.equal(await card.getByLabel('Secret', { exact: true }).inputValue(), '', 'the secret is not shown again');
    const sched = page.locator('.Polaris-ShadowBevel').filter({ has: page.getByRole('heading', { name: 'Payout schedule' }) });
    await sched.getByText('Pay affiliates every month').click();
    await sched.getByLabel('Day of the month', { exact: true }).fill('31');
    await sched.getByRole('button', { name: 'Save schedule' }).click();
    await sched.getByText('Day of month must be 1 to 28 (every month has it)').waitFor();
    await sched.scrollIntoViewIfNeeded();
    await shots('schedule-error');
    await sched.getByLabel('Day of the month', { exact: true }).fill('28');
    await sched.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Payout schedule saved').waitFor();
    assert.deepEqual((await shopAPI(stack.appURL, '/settings/payout-schedule')).payout_schedule, { day_of_month: 28, methods: ['paypal'] });
    await sched.getByText('Pay affiliates every month').click();
    await sched.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Payout schedule turned off').waitFor();
    await card.scrollIntoViewIfNeeded();
    await shots('paypal-settings');
  });

  test('the merchant pays both through PayPal from the Payouts page, once for a double click', async () => {
    await open('/payouts');
    await page.getByRole('button', { name: 'Pay now through PayPal' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Pay 2 affiliates through PayPal').waitFor();
    await dialog.getByText('Ben Ode').waitFor();
    await shots('pay-now');
    await dialog.getByRole('button', { name: 'Send $65.00' }).dblclick();
    await page.waitForURL(/\/payouts\/runs\/\d+/);
    runID = Number(page.url().match(/\/payouts\/runs\/(\d+)/)[1]);
    const runs = await shopAPI(stack.appURL, '/payouts/runs');
    assert.equal(runs.data.length, 1, 'one run for a double click');
    assert.equal(runs.data[0].payout_count, 2);
  });

  test('the run page shows each item with its status and PayPal’s reason', async () => {
    await open('/payouts');
    await page.getByRole('link', { name: `Run #${runID}`, exact: true }).click();
    await page.getByRole('heading', { name: `Payout run #${runID}` }).waitFor();
    const ben = page.getByRole('row').filter({ hasText: 'Ben Ode' });
    await ben.getByText('Failed', { exact: true }).waitFor({ timeout: 30000 });
    await ben.getByText(/RECEIVER_ACCOUNT_LOCKED/).waitFor();
    await ben.getByText(/Waiting for the affiliate to update their PayPal email/).waitFor();
    await page.getByRole('row').filter({ hasText: 'Ann Lee' }).getByText('Paid', { exact: true }).waitFor({ timeout: 30000 });
    await page.getByText('Failed items cannot be retried yet').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Retry failed items' }).count(), 0, 'nothing a retry can fix yet');
    await shots('failed');
  });

  test('the affiliate is emailed, sees the failed payout in the portal and updates their PayPal email', async () => {
    const notice = await until('the payout notices in the outbox', async () => {
      const list = await shopAPI(stack.appURL, '/emails?kind=payout_notice&per_page=50');
      return list.data.length === 2 ? list.data : null;
    }, 30000, 500);
    const toBen = notice.find((m) => m.to === 'ben@example.com');
    assert.match(toBen.subject, /payout of 40\.00 USD could not be paid/);
    assert.match((await shopAPI(stack.appURL, `/emails/${toBen.id}`)).text, /Update your payout details in your portal/);

    await page.goto(`${stack.appURL}/portal/login`);
    await page.getByLabel(/email/i).fill('ben@example.com');
    await page.getByRole('button', { name: /sign-in link|send/i }).click();
    const u = new URL(await signInLink('ben@example.com'));
    await page.goto(stack.appURL + u.pathname + u.search);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const history = page.locator('#payouts');
    await history.getByText('failed', { exact: true }).waitFor();
    await history.getByText(/Your PayPal email could not receive the payment/).waitFor();
    await history.getByText('$40.00 is payable').waitFor();
    await shots('portal-failed');
    await page.getByText('Change payout details').click();
    await page.getByRole('radio', { name: 'PayPal' }).check();
    await page.getByLabel('PayPal email address').fill('ben@example.com');
    await page.getByRole('button', { name: 'Save payout details' }).click();
    await page.getByText('Your payout details are saved.').waitFor();
  });

  test('the merchant retries the failed item once and sees it paid', async () => {
    await open(`/payouts/runs/${runID}`);
    await page.getByText('1 failed item can be paid again').waitFor();
    await page.getByRole('button', { name: 'Retry failed items' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Ben Ode').waitFor();
    await shots('retry-confirm');
    await dialog.getByRole('button', { name: 'Pay $40.00 again' }).dblclick();
    await page.getByText('One payout sent again to PayPal: $40.00').waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'Ben Ode' });
    await until('the retry to be paid', async () => (await rows.filter({ hasText: 'Paid' }).count()) === 1, 30000, 500);
    assert.equal(await rows.count(), 2, 'the failed item and its one retry');
    await rows.filter({ hasText: 'Retried (see below)' }).waitFor();
    const items = await shopAPI(stack.appURL, `/payouts/runs/${runID}/items`);
    assert.equal(items.totals.paid.amount, 6500, 'both affiliates paid, Ben once');
    assert.equal(items.items.filter((it) => it.affiliate_id === affs['Ben Ode'].id && it.status === 'paid').length, 1);
    const balances = await shopAPI(stack.appURL, '/balances');
    assert.equal(balances.data.find((b) => b.affiliate_id === affs['Ben Ode'].id).paid, 4000);
    await shots('retried');
    await open('/payouts');
    await page.getByRole('row').filter({ hasText: `Run #${runID}` }).getByText('Done', { exact: true }).waitFor();
    await shots('list');
  });

  test('the affiliate’s portal shows the payout paid', async () => {
    await page.goto(`${stack.appURL}/portal/`);
    const history = page.locator('#payouts');
    await history.getByText('paid', { exact: true }).waitFor();
    await history.getByText('Nothing is payable yet').waitFor();
    await shots('portal-paid');
  });
});
