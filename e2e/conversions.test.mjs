// The Conversions page in a real browser, inside Shopify admin: search and
// date range narrow the list, a conversion opens with its ledger entries
// and its lines with the rule that decided each as booked, an adjustment
// with a reason changes the affiliate's balance, a flagged self-referral
// is approved by hand, and a failed delivery is retried.
// Screenshots at 1440×900 and 390×844 go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  API_SECRET, SHOP, launchBrowser, mintToken, sandbox, screenshots, shopAPI, startStack, stopStack, until,
  adminURL, launchEmbedded, shootBothWidths, untilOnStore,
} from './harness.mjs';

let stack;
let browser;
let page;
const ids = {};

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shots = (name) => shootBothWidths(page, `conversions-${name}`);

async function placeOrder(codes, email) {
  const res = await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
    codes, email, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Mug', price: '50.00', quantity: 2 }],
  });
  return res.order_id;
}

// A delivery signed like Shopify's whose order no one can book (its
// currency is not a currency): the worker gives up on it at once.
async function sendBrokenOrder() {
  const body = JSON.stringify({ id: 990001, name: '#BROKEN', currency: 'ZZZ', created_at: new Date().toISOString(), processed_at: new Date().toISOString(), subtotal_price: '10.00', total_price: '10.00',
    discount_codes: [{ code: 'ANN10', amount: '1.00', type: 'percentage' }], line_items: [] });
  const res = await fetch(`${stack.appURL}/webhooks/shopify`, {
    method: 'POST', body,
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Topic': 'orders/paid', 'X-Shopify-Shop-Domain': SHOP,
      'X-Shopify-Webhook-Id': randomUUID(), 'X-Shopify-Hmac-Sha256': createHmac('sha256', API_SECRET).update(body).digest('base64') },
  });
  assert.ok(res.status < 300, `webhook answered ${res.status}`);
}

async function rows() {
  return page.locator('.Polaris-IndexTable__TableRow').count();
}

describe('conversions page', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await open('/');
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    for (const [name, email, code] of [['Ann Lee', 'ann@example.com', 'ANN10'], ['Bea Cruz', 'bea@example.com', 'BEA10']]) {
      const a = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email } });
      ids[name] = a.id;
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: a.id } });
    }
    await untilOnStore(stack.appURL, ['ANN10', 'BEA10']);
    await placeOrder(['ann10'], 'buyer@example.com');
    await placeOrder(['bea10'], 'carl@example.com');
    await placeOrder(['ANN10'], 'ann@example.com'); // Ann's own purchase: flagged
    await until('three conversions', async () => (await shopAPI(stack.appURL, '/conversions')).total === 3, 60000, 500);
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('search narrows the list', async () => {
    await open('/conversions');
    await page.getByRole('cell', { name: 'Bea Cruz' }).waitFor();
    assert.equal(await rows(), 3);
    await page.getByPlaceholder('Search by order, code or affiliate').fill('bea');
    await until('the search to narrow the list', async () => (await rows()) === 1 && (await page.getByRole('cell', { name: 'Ann Lee' }).count()) === 0);
    await page.getByPlaceholder('Search by order, code or affiliate').fill('ann10');
    await until('the code search', async () => (await rows()) === 2);
    await shots('search');
    await page.getByPlaceholder('Search by order, code or affiliate').fill('');
    await until('all rows back', async () => (await rows()) === 3);
  });

  test('a date range narrows the list', async () => {
    // Opens the filter's popover (again if a click landed while the last
    // one was still closing) and picks choice in it.
    const pick = async (button, choice) => {
      const option = page.locator('.Polaris-Popover').getByText(choice, { exact: true });
      await until(`the ${choice} option to show`, async () => {
        if (await option.isVisible()) return true;
        await page.getByRole('button', { name: button }).click();
        return option.waitFor({ timeout: 3000 }).then(() => true, () => false);
      }, 20000, 250);
      await option.click();
    };
    await pick(/^Date$/, 'Last 7 days');
    await page.keyboard.press('Escape');
    await page.getByText('Date: Last 7 days').waitFor();
    assert.equal(await rows(), 3);
    await pick(/Date: Last 7 days/, 'Last month');
    await page.keyboard.press('Escape');
    await page.getByText('No conversions match these filters.').waitFor();
    await pick(/Date: Last month/, 'Custom range');
    await page.locator('.Polaris-DatePicker').waitFor();
    await shots('date-range');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Clear all' }).click();
    await until('all rows back', async () => (await rows()) === 3);
  });

  test('a conversion opens with its order, rule and ledger entries', async () => {
    await page.getByRole('row').filter({ hasText: 'Bea Cruz' }).click();
    await page.getByRole('heading', { name: 'Ledger entries' }).waitFor();
    await page.getByRole('rowheader', { name: 'Commission booked' }).waitFor();
    await page.getByText('$9.00').first().waitFor(); // 10% of $90.00 after the code's 10% off
    await page.getByText(/Your default rule: 10% of each order's subtotal/).waitFor();
    await page.getByText(/paid with Bea Cruz's code BEA10/).waitFor();
    // The order came with its lines: 2 × Mug at $50.00, $10.00 off, earns 10% of $90.00 under the default, as booked.
    const mug = page.getByRole('row').filter({ hasText: 'Mug' });
    await mug.getByText('$9.00').waitFor();
    await mug.getByText('$90.00').waitFor();
    await mug.getByText(/^Program default.*: 10%$/).waitFor();
    await page.getByText(/^Program default.*: 10%$/).first().waitFor(); // the order's rule applied
    await shots('detail');
  });

  test('a flagged self-referral is approved by hand with a reason', async () => {
    await open('/conversions');
    await page.getByRole('row').filter({ hasText: 'Flagged' }).click();
    await page.getByText('Self-referral: not paid unless you approve it').waitFor();
    await page.getByText('Nothing was booked for this order.').waitFor();
    await shots('flagged');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const dialog = page.getByRole('dialog');
    assert.ok(await dialog.getByRole('button', { name: 'Approve and book commission' }).isDisabled(), 'a reason is required');
    await dialog.getByLabel('Reason').fill('Ann bought it for a client');
    await dialog.getByRole('button', { name: 'Approve and book commission' }).click();
    // The ledger row, not the toast that says the same words while it shows.
    await page.getByRole('rowheader', { name: 'Commission booked' }).waitFor();
    await page.getByText(/Self-referral approved on .* by Shopify admin of demo.myshopify.com.*“Ann bought it for a client”/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve', exact: true }).count(), 0, 'approved once only');
    const again = await fetch(`${stack.appURL}/api/v1/conversions/${page.url().match(/conversions\/(\d+)/)[1]}/approve`, {
      method: 'POST', headers: { Authorization: `Bearer ${mintToken()}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'again' }) });
    assert.equal(again.status, 409);
    await shots('approved');
  });

  test('an adjustment with a reason changes the balance', async () => {
    const before = (await shopAPI(stack.appURL, `/balances?affiliate_id=${ids['Bea Cruz']}`)).data[0];
    assert.equal(before.approved, 0);
    await open('/conversions');
    await page.getByRole('button', { name: 'Add adjustment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Affiliate').selectOption({ label: 'Bea Cruz (bea@example.com)' });
    await dialog.getByLabel('Amount').fill('25.00');
    assert.ok(await dialog.getByRole('button', { name: 'Add adjustment' }).isDisabled(), 'a reason is required');
    await dialog.getByLabel('Reason').fill('Launch bonus');
    await dialog.getByRole('button', { name: 'Add adjustment' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Launch bonus' });
    await row.getByText('Adjustment', { exact: true }).waitFor();
    await row.getByText('$25.00').waitFor();
    await shots('adjustment');
    await row.click();
    await page.getByRole('heading', { name: 'Bea Cruz' }).waitFor();
    await page.getByRole('cell', { name: '$25.00' }).first().waitFor(); // approved balance, payable at once
    await page.getByText('Adjustment: Launch bonus').waitFor();
    const after = (await shopAPI(stack.appURL, `/balances?affiliate_id=${ids['Bea Cruz']}`)).data[0];
    assert.equal(after.approved, 2500);
  });

  test('a failed event is retried from the Failed events tab', async () => {
    await sendBrokenOrder();
    await until('the event to fail for good', async () => (await shopAPI(stack.appURL, '/events?status=failed')).total === 1, 30000, 500);
    await open('/conversions');
    await page.getByText('1 order or refund could not be booked').waitFor();
    await page.getByRole('button', { name: 'See failed events' }).click();
    await page.getByText('Order 990001 (Shopify)').waitFor();
    await page.getByText(/The order’s currency is not one Codecredit knows/).waitFor();
    await shots('failed-events');
    await page.getByRole('button', { name: /Retry Order 990001/ }).click();
    await page.getByText(/queued again/).waitFor();
    await page.getByText(/Failed again: The order’s currency is not one Codecredit knows/).waitFor({ timeout: 30000 });
    const ev = (await shopAPI(stack.appURL, '/events?status=failed')).data[0];
    assert.ok(ev.attempts >= 2, `the worker tried it again (attempts ${ev.attempts})`);
    await shots('failed-retried');
  });

  test('a refund whose order never came is listed with its age', async () => {
    await open('/conversions');
    await page.getByRole('tab', { name: 'Refunds waiting for an order' }).click();
    await page.getByText('No refund is waiting for its order').waitFor();
    await shots('waiting-refunds-empty');
    const sent = await shopAPI(stack.appURL, '/refunds', { method: 'POST',
      body: { id: 'rf-1', order_id: 'ORDER-1O01', currency: 'USD', subtotal: 2500, created_at: new Date().toISOString() } });
    await until('the refund to wait for its order', async () => (await shopAPI(stack.appURL, `/events/${sent.event_id}`)).state === 'waiting_for_order', 30000, 500);
    await open('/conversions');
    await page.getByRole('tab', { name: 'Refunds waiting for an order' }).click();
    await page.getByText('ORDER-1O01').first().waitFor();
    await page.getByText('$25.00').first().waitFor();
    await page.getByText(/^\d+ minutes?$/).first().waitFor();
    await shots('waiting-refunds');
  });
});
