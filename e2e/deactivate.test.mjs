// Turning a code off, in a real browser: unassigning asks for confirmation,
// says what happens, and offers to turn the code off on its store when the
// store lets Codecredit do it (the local Paddle sandbox, run in the same
// process through SANDBOXES); the code's row then shows how the store
// answered. For a store that cannot, the dialog says so and the API
// refuses on_store with the same reason. Screenshots of the dialog at
// 1440×900 and 390×844 go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  SHOP, launchBrowser, mintToken, screenshots, shopAPI, startStack, stopStack, until,
  adminURL, launchEmbedded,
} from './harness.mjs';

// The local Paddle sandbox's own key (platforms/paddle/sandbox.DefaultAPIKey).
const paddleKey = 'pdl_sdbx_apikey_01codecreditsandbox0000000_CodecreditLocalSandbox_Key';
let stack;
let browser;
let page;
let paddle; // the Paddle connection
let shopify; // the Shopify connection
let ann; // the affiliate

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

async function shot(name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/** Screenshots of the open dialog at desktop and phone sizes. */
async function shotBoth(name) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(`${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(`${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Generates the affiliate's code on a store from a naming rule; waits until it is on the store. */
async function codeOn(conn, template) {
  const res = await shopAPI(stack.appURL, '/codes/generate', {
    method: 'POST', body: { template, discount_type: 'percentage', discount_value: 1000, affiliate_ids: [ann.id], connection_id: conn.id },
  });
  const code = res.data[0];
  return until(`${code.code} on ${conn.name}`, async () => {
    const c = await shopAPI(stack.appURL, `/codes/${code.id}`);
    return c.sync_status === 'synced' && c;
  }, 30000);
}

function row(code) {
  return page.getByRole('row').filter({ hasText: code });
}

async function openUnassign(code) {
  await open('/codes');
  // The store's own codes may be imported after this one: find it by name.
  await page.getByPlaceholder('Search codes (code starts with…)').fill(code);
  await row(code).getByRole('button', { name: 'Unassign' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(`Unassign ${code}?`).waitFor();
  return dialog;
}

describe('turning a code off', () => {
  before(async () => {
    process.env.SANDBOXES = 'paddle'; // the server runs the Paddle sandbox beside the Shopify one
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await open('/');
    await page.getByText('Connected:').waitFor();
    await shopAPI(stack.appURL, '/connections/paddle', { method: 'POST', body: { api_key: paddleKey } });
    const conns = (await shopAPI(stack.appURL, '/connections')).data;
    paddle = conns.find((c) => c.platform === 'paddle');
    shopify = conns.find((c) => c.platform === 'shopify');
    ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('unassigning with the checkbox turns the code off on the store, and the row says so', async () => {
    assert.equal(paddle.can_deactivate_codes, true);
    const code = await codeOn(paddle, '{FIRST}PADDLE{DISCOUNT}');
    assert.equal(code.code, 'ANNPADDLE10');
    const dialog = await openUnassign(code.code);
    await dialog.getByText('Orders paid with ANNPADDLE10 from now on earn Ann Lee no commission.', { exact: false }).waitFor();
    const onStore = dialog.getByLabel(`Also turn the code off on Paddle: ${paddle.name}`);
    await onStore.check({ force: true });
    assert.ok(await dialog.getByLabel('Also deactivate the code').isChecked(), 'turning it off on the store deactivates it here too');
    await dialog.getByRole('button', { name: 'Unassign and turn off' }).waitFor();
    await shotBoth('deactivate-01-unassign-on-store');
    await dialog.getByRole('button', { name: 'Unassign and turn off' }).click();
    await row('ANNPADDLE10').getByText(`Deactivated on ${paddle.name}`).waitFor({ timeout: 30000 });
    await shot('deactivate-02-row-outcome');
    const got = await shopAPI(stack.appURL, `/codes/${code.id}`);
    assert.equal(got.active, false);
    assert.equal(got.affiliate_id, undefined);
    assert.equal(got.store_status, 'deactivated');
    // The store agrees: Paddle has the discount archived, so checkout refuses it.
    const res = await fetch(`${stack.appURL}/_sandbox/paddle/discounts/${got.platform_id}`, {
      headers: { Authorization: `Bearer ${paddleKey}` },
    });
    assert.equal((await res.json()).data.status, 'archived');
  });

  test('for a store that cannot turn codes off, the dialog and the API say so', async () => {
    const code = await codeOn(shopify, '{FIRST}{DISCOUNT}');
    const dialog = await openUnassign(code.code);
    await dialog.getByLabel('Also deactivate the code').check({ force: true });
    if (shopify.can_deactivate_codes) {
      // The Shopify adapter switches codes off too: the dialog offers it.
      await dialog.getByLabel(`Also turn the code off on Shopify: ${shopify.name}`).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      return;
    }
    await dialog.getByText(`Codecredit cannot turn codes off on Shopify: ${shopify.name}`, { exact: false }).waitFor();
    assert.equal(await dialog.getByLabel(/Also turn the code off/).count(), 0);
    await shotBoth('deactivate-03-unassign-store-cannot');
    const refused = await fetch(`${stack.appURL}/api/v1/codes/${code.id}/unassign`, {
      method: 'POST', headers: { Authorization: `Bearer ${mintToken()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ deactivate: true, on_store: true }),
    });
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).error, new RegExp(`Codecredit cannot turn codes off on ${shopify.name}`));
    await dialog.getByRole('button', { name: 'Unassign and deactivate' }).click();
    await row(code.code).getByText('Inactive').waitFor();
    const got = await shopAPI(stack.appURL, `/codes/${code.id}`);
    assert.equal(got.active, false);
    assert.equal(got.store_status, undefined);
  });
});
