// Tracked links in a real browser: a code's row on the Codes page shows its
// link, a visit from a browser is counted (one from a bot is not), and the
// link dialog renames it. Screenshots go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminURL, launchEmbedded, shoot, shootBothWidths, shopAPI, startStack, stopStack, until,
} from './harness.mjs';

const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
let stack;
let browser;
let page;

describe('tracked links', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.goto(adminURL(stack.appURL, '/'));
    await page.getByText('Connected:').waitFor();
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('a code shows its link and counted visits, and the link can be renamed', async () => {
    const shopify = (await shopAPI(stack.appURL, '/connections')).data.find((c) => c.platform === 'shopify');
    const ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
    const code = (await shopAPI(stack.appURL, '/codes/generate', {
      method: 'POST', body: { template: '{FIRST}HAT{DISCOUNT}', discount_type: 'percentage', discount_value: 1000, affiliate_ids: [ann.id], connection_id: shopify.id },
    })).data[0];
    const link = await shopAPI(stack.appURL, `/codes/${code.id}/link`);
    assert.equal(link.url, `${stack.appURL}/r/annhat10`);
    assert.ok(link.destination.startsWith(`${stack.sandboxURL}/discount/ANNHAT10?`), link.destination);
    for (const ua of [SAFARI, 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)']) {
      const res = await fetch(link.url, { redirect: 'manual', headers: { 'User-Agent': ua } });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), link.destination);
    }
    await until('the visit counted', async () => (await shopAPI(stack.appURL, `/codes/${code.id}/link`)).visits === 1);

    await page.goto(adminURL(stack.appURL, '/codes'));
    await page.getByPlaceholder('Search codes (code starts with…)').fill('ANNHAT10');
    const row = page.getByRole('row').filter({ hasText: 'ANNHAT10' });
    await row.getByText('/r/annhat10').waitFor();
    await row.getByText('1 visit · 0.0% converted').waitFor();
    await shoot(page, 'links-01-codes');

    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Shopify applies the code', { exact: false }).waitFor();
    await dialog.getByLabel('Link name').fill('ann-hats');
    await dialog.getByLabel('Landing page').fill('/products/hat');
    await shootBothWidths(page, 'links-02-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('/r/ann-hats').waitFor();
    const res = await fetch(`${stack.appURL}/r/ann-hats`, { redirect: 'manual', headers: { 'User-Agent': SAFARI } });
    assert.ok(res.headers.get('location').includes('redirect=%2Fproducts%2Fhat'), res.headers.get('location'));
    assert.equal((await fetch(link.url, { redirect: 'manual', headers: { 'User-Agent': SAFARI } })).status, 404);
  });
});
