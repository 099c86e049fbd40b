// The dashboard's discount comparison in a real browser, embedded in
// Shopify admin: the empty state, then orders through the Shopify sandbox
// compared per discount level and per code, the affiliate's own purchase
// left out and said so. Screenshots go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, adminURL, launchEmbedded, sandbox, shoot, shootBothWidths, shopAPI, startStack, stopStack, until, untilOnStore } from './harness.mjs';

let stack;
let browser;
let page;

const card = () => page.getByRole('region', { name: 'Discount comparison' });

describe('discount comparison', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('a shop without orders is told what the card will show', async () => {
    await page.goto(adminURL(stack.appURL, '/dashboard'));
    await card().getByText('No orders with an affiliate code').waitFor({ timeout: 60000 });
    await shoot(page, 'discounts-01-empty-1440');
  });

  test('orders are compared per discount level and per code, the own purchase left out', async () => {
    const ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
    const bob = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Bob Marsh', email: 'bob@example.com' } });
    for (const [code, value, aff] of [['ANN10', 1000, ann.id], ['BOB10', 1000, bob.id], ['BOB20', 2000, bob.id]]) {
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: value, affiliate_id: aff } });
    }
    await untilOnStore(stack.appURL, ['ANN10', 'BOB10', 'BOB20']);
    const order = (code, email, price) => sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
      codes: [code], email, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Poster', price, quantity: 1 }],
    });
    await order('ANN10', 'one@example.com', '50.00');
    await order('BOB10', 'two@example.com', '100.00');
    await order('BOB20', 'three@example.com', '80.00');
    await order('BOB20', 'four@example.com', '40.00');
    await order('BOB20', 'bob@example.com', '500.00'); // Bob's own purchase: flagged
    await until('the orders to be attributed', async () => {
      const r = await shopAPI(stack.appURL, '/reports/discounts');
      return r.total.orders === 4 && r.flagged === 1;
    }, 30000);

    await page.goto(adminURL(stack.appURL, '/dashboard'));
    const table = card().locator('.Polaris-DataTable');
    await table.getByText('20% off').waitFor({ timeout: 60000 });
    const levels = await table.locator('tbody tr').allInnerTexts();
    assert.equal(levels.length, 2);
    assert.match(levels[0], /10% off\s+2\s+2\s+\$135\.00\s+\$67\.50/, '10% off: two codes, two orders, 45 + 90');
    assert.match(levels[1], /20% off\s+1\s+2\s+\$96\.00\s+\$48\.00/, '20% off: 64 + 32, the own purchase left out');
    await card().getByText('Not counted: 1 flagged (the affiliate’s own purchase) order.', { exact: false }).waitFor();
    await shootBothWidths(page, 'discounts-02-by-discount');

    await card().getByRole('tab', { name: 'By code' }).click();
    await table.getByText('BOB20').waitFor();
    const codes = await table.locator('tbody tr').allInnerTexts();
    assert.match(codes[0], /BOB20\s+Bob Marsh\s+20% off\s+2\s+\$96\.00/, 'best sales first');
    assert.match(codes[1], /BOB10\s+Bob Marsh\s+10% off\s+1\s+\$90\.00/);
    assert.match(codes[2], /ANN10\s+Ann Lee\s+10% off\s+1\s+\$45\.00/);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shoot(page, 'discounts-03-by-code-1440');
  });
});
