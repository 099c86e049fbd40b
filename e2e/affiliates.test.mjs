// The Affiliates index table in a real browser, embedded in Shopify admin:
// empty state, sort by sales, select rows and email them their codes,
// deactivate with a confirmation that says what happens to their codes,
// export CSV, and an API error shown under the field that caused it.
// Screenshots at 1440×900 and 390×844 go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOP, launchBrowser, mintToken, sandbox, screenshots, shopAPI, startStack, stopStack, until, adminURL, launchEmbedded, shoot } from './harness.mjs';

let stack;
let browser;
let page;
const ids = {};

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shot = (name) => shoot(page, name);

/** The table's rows, in order. */
const rows = () => page.locator('.Polaris-IndexTable__TableRow');
const row = (name) => rows().filter({ hasText: name });

describe('affiliates index table', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('a shop without affiliates sees what to do first', async () => {
    await open('/affiliates');
    await page.getByText('Add your first affiliate').waitFor({ timeout: 60000 });
    await page.getByRole('button', { name: 'Import a CSV' }).waitFor();
    await shot('affiliates-01-empty-1440');
  });

  test('sorting by sales puts the best seller first, money in the shop currency', async () => {
    for (const [key, name, email] of [['ann', 'Ann Lee', 'ann@example.com'], ['bob', 'Bob Marsh', 'bob@example.com'], ['cy', 'Cy Young', 'cy@example.com']]) {
      ids[key] = (await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email } })).id;
    }
    for (const [code, aff] of [['ANN10', ids.ann], ['BOB10', ids.bob], ['BOBSUMMER', ids.bob], ['BOBWINTER', ids.bob]]) {
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: aff } });
    }
    await until('the codes to be created on the store', async () => {
      const res = await shopAPI(stack.appURL, '/codes?per_page=200&assigned=yes');
      return res.data.length === 4 && res.data.every((c) => c.sync_status === 'synced');
    }, 30000);
    const order = (code, email, price) => sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
      codes: [code], email, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Poster', price, quantity: 1 }],
    });
    await order('ann10', 'one@example.com', '50.00');
    await order('bob10', 'two@example.com', '100.00');
    await order('bobsummer', 'three@example.com', '60.00');
    await until('the orders to be attributed', async () => {
      const res = await shopAPI(stack.appURL, '/affiliates?sort=orders');
      return res.data[0].orders === 2 && res.data[1].orders === 1;
    }, 30000);

    await open('/affiliates');
    await row('Cy Young').waitFor();
    assert.match(await rows().first().innerText(), /Cy Young/, 'newest first by default');
    await page.getByRole('button', { name: 'Sales', exact: true }).click();
    await until('the list to be sorted by sales', async () => /Bob Marsh/.test(await rows().first().innerText()));
    const order3 = await rows().allInnerTexts();
    assert.match(order3[0], /Bob Marsh/);
    assert.match(order3[1], /Ann Lee/);
    assert.match(order3[2], /Cy Young/);
    const bob = await row('Bob Marsh').innerText();
    assert.match(bob, /\$144\.00/, 'sales net of the 10% discount');
    assert.match(bob, /BOB10, BOBSUMMER \+1 more/);
    assert.match(await row('Cy Young').innerText(), /No code/);
    await shot('affiliates-02-sorted-by-sales-1440');
  });

  test('two selected affiliates are emailed their codes', async () => {
    await row('Ann Lee').getByRole('checkbox').check();
    await row('Bob Marsh').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Send codes' }).waitFor();
    await shot('affiliates-03-selected-1440');
    await page.getByRole('button', { name: 'Send codes' }).click();
    await page.getByText('Codes emailed to 2 affiliates').waitFor();
    for (const key of ['ann', 'bob']) {
      const mail = await shopAPI(stack.appURL, `/emails?affiliate_id=${ids[key]}&kind=code_assignment`);
      assert.ok(mail.data.length >= 1, `${key} has a code email`);
    }
    const latestBob = (await shopAPI(stack.appURL, `/emails?affiliate_id=${ids.bob}`)).data[0];
    assert.match(latestBob.text, /BOBWINTER/, 'every active code of the affiliate is in the email');
  });

  test('deactivating asks first and says what happens to the codes', async () => {
    await row('Bob Marsh').getByRole('checkbox').check();
    await row('Cy Young').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Deactivate 2 affiliates?').waitFor();
    await dialog.getByText('Their codes stay assigned to them and still give customers the discount.').waitFor();
    await dialog.getByText(/recorded without commission/).waitFor();
    await shot('affiliates-04-deactivate-confirm-1440');
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('Deactivated 2 affiliates').waitFor();
    await until('the badges to change', async () => /Disabled/.test(await row('Bob Marsh').innerText()));
    assert.match(await row('Cy Young').innerText(), /Disabled/);
    assert.match(await row('Ann Lee').innerText(), /Active/);
    const disabled = await shopAPI(stack.appURL, '/affiliates?status=disabled&sort=name&dir=asc');
    assert.deepEqual(disabled.data.map((a) => a.name), ['Bob Marsh', 'Cy Young']);
  });

  test('the list downloads as CSV, with the tab it is filtered by', async () => {
    await page.getByRole('tab', { name: 'Disabled' }).click();
    await until('the tab to filter', async () => (await rows().count()) === 2);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'affiliate_id,name,email,status,codes,orders,sales,pending,payable,currency,added');
    assert.equal(csv.length, 3, 'the two disabled affiliates');
    assert.match(csv[1], /^\d+,Bob Marsh,bob@example.com,disabled,BOB10 BOBSUMMER,2,144\.00,/);
    assert.match(csv[2], /,Cy Young,cy@example.com,disabled,,0,0\.00,/);
    await page.getByRole('tab', { name: 'All' }).click();
    await until('all to show', async () => (await rows().count()) === 3);
    await page.getByPlaceholder('Search by name or email').fill('marsh');
    await until('the search to narrow the list', async () => (await rows().count()) === 1);
    const [found] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const lines = readFileSync(await found.path(), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, 'the export follows the search');
    assert.match(lines[1], /,Bob Marsh,/);
    await page.getByPlaceholder('Search by name or email').fill('');
    await until('all to show again', async () => (await rows().count()) === 3);
  });

  test('an email already used is shown under the Email field', async () => {
    await page.getByRole('button', { name: 'Add affiliate' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ann Again');
    await dialog.getByLabel('Email').fill('ANN@example.com');
    await dialog.getByRole('button', { name: 'Add affiliate' }).click();
    const email = dialog.getByLabel('Email');
    await until('the field to be marked', async () => (await email.getAttribute('aria-invalid')) === 'true');
    const describedBy = (await email.getAttribute('aria-describedby')).split(' ');
    const texts = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).innerText().catch(() => '')));
    assert.ok(texts.some((t) => /Email ann@example\.com is already used by affiliate \d+ \(Ann Lee\)/.test(t)), texts.join(' | '));
    assert.notEqual(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true', 'the name is fine');
    assert.equal(await dialog.getByText('Something went wrong').count(), 0, 'no banner for a field error');
    await shot('affiliates-05-field-error-1440');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  test('at 390 px the table condenses, nothing overflows, and rows can be selected and acted on', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('/affiliates');
    await row('Bob Marsh').waitFor();
    const text = await row('Bob Marsh').innerText();
    assert.match(text, /\$144\.00 sales/);
    assert.match(text, /Disabled/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
    await shot('affiliates-06-list-390');
    // Bulk actions work on a phone too: Select, tick rows, act.
    await page.getByRole('button', { name: 'Select', exact: true }).click();
    await page.getByText('0 selected').waitFor();
    await page.getByLabel('Select Bob Marsh').check();
    await page.getByLabel('Select Cy Young').check();
    await page.getByText('2 selected').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, true, 'the bar fits');
    await shot('affiliates-07-selected-390');
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByText('Activated 2 affiliates').waitFor();
    await until('the badges to change', async () => /Active/.test(await row('Bob Marsh').innerText()));
    assert.match(await row('Cy Young').innerText(), /Active/);
    const active = await shopAPI(stack.appURL, '/affiliates?status=active&sort=name&dir=asc');
    assert.deepEqual(active.data.map((a) => a.name), ['Ann Lee', 'Bob Marsh', 'Cy Young']);
    await shot('affiliates-08-activated-390');
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByRole('button', { name: 'Select', exact: true }).waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
