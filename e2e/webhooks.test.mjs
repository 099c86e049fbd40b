// Outgoing webhooks in a real browser: the merchant adds an endpoint (an
// internal address is refused under its field), sees and copies its
// signing secret, sends a test event that a local receiver gets, signed,
// and the delivery log shows it delivered. Screenshots go to
// e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { adminURL, launchEmbedded, shoot, shootBothWidths, startStack, stopStack, until } from './harness.mjs';

let stack;
let browser;
let page;
let receiver;
const got = [];

describe('webhooks', () => {
  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(204).end(); });
    });
    await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.goto(adminURL(stack.appURL, '/'));
    await page.getByText('Connected:').waitFor();
  });

  after(async () => {
    await browser?.close();
    stopStack();
    receiver?.close();
  });

  test('an endpoint is added, its secret shown, and a test event delivered signed', async () => {
    const url = `http://127.0.0.1:${receiver.address().port}/codecredit`;
    await page.goto(adminURL(stack.appURL, '/webhooks'));
    await page.getByText('No webhook endpoints yet').waitFor();
    await shoot(page, 'webhooks-01-empty');
    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Endpoint URL').fill('https://10.0.0.8/hook');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog.getByText('This address cannot receive webhooks', { exact: false }).waitFor();
    await shootBothWidths(page, 'webhooks-02-field-error');
    await dialog.getByLabel('Endpoint URL').fill(url);
    await dialog.getByLabel('Payout paid: the money reached an affiliate', { exact: false }).check();
    await dialog.getByLabel('Code assigned: a code was given to an affiliate', { exact: false }).check();
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();

    const detail = page.getByRole('dialog');
    await detail.getByText('Nothing sent yet', { exact: false }).waitFor();
    await detail.getByRole('button', { name: 'Show' }).click();
    const secret = await detail.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    await detail.getByRole('button', { name: 'Send test event' }).click();
    const r = await until('the receiver to get the test event', async () => got[0]);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const want = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
    assert.equal(r.headers['webhook-signature'], `v1,${want}`);
    assert.equal(JSON.parse(r.body).type, 'webhook.test');
    await detail.getByText('Delivered', { exact: true }).waitFor();
    await detail.getByText(r.headers['webhook-id'], { exact: true }).waitFor();
    await shootBothWidths(page, 'webhooks-03-endpoint');

    await page.keyboard.press('Escape');
    const row = page.getByRole('row').filter({ hasText: url });
    await row.getByText('conversion.created, payout.paid, code.assigned').waitFor();
    await row.getByText('Enabled', { exact: true }).waitFor();
    await shoot(page, 'webhooks-04-list');
  });
});
