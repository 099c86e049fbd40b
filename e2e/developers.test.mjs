// API keys in a real browser: the Developers page creates a key (its
// secret shown once), the key works within its scope and is refused
// outside it, and a revoked key is refused at once. Screenshots go to
// e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminURL, launchEmbedded, shoot, shootBothWidths, startStack, stopStack } from './harness.mjs';

let stack;
let browser;
let page;

/** Calls the API with an API key; returns the status and the JSON answer. */
async function withKey(key, path, { method = 'GET', body } = {}) {
  const res = await fetch(`${stack.appURL}/api/v1${path}`, {
    method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, data: await res.json().catch(() => null) };
}

describe('developers: API keys', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.goto(adminURL(stack.appURL, '/developers'));
    await page.getByRole('heading', { name: 'Developers', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('a key is created with its secret shown once, works within its scope and stops when revoked', async () => {
    await page.getByRole('button', { name: 'Create API key' }).first().click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Reporting sheet');
    await dialog.getByText('Read only', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('it is shown only once', { exact: false }).waitFor();
    const key = await dialog.getByLabel('API key', { exact: true }).inputValue();
    assert.match(key, /^cc_[0-9a-f]{48}$/);
    await shootBothWidths(page, 'developers-01-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row').filter({ hasText: 'Reporting sheet' });
    await row.getByText('Read all', { exact: true }).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(key), 'the secret is not on the page once the dialog is closed');

    assert.equal((await withKey(key, '/affiliates')).status, 200);
    const refused = await withKey(key, '/affiliates', { method: 'POST', body: { name: 'Ann', email: 'ann@example.com' } });
    assert.equal(refused.status, 403);
    assert.match(refused.data.error, /needs the scope write or affiliates:write/);

    // A key narrowed to one area; an area-less choice is refused under its field.
    await page.getByRole('button', { name: 'Create API key' }).first().click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Checkout');
    await dialog.getByText('Chosen areas', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('A key needs at least one scope', { exact: false }).waitFor();
    await dialog.getByLabel('Orders, refunds and events').selectOption('write');
    await shoot(page, 'developers-02-chosen-areas');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const checkoutKey = await dialog.getByLabel('API key', { exact: true }).inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row').filter({ hasText: 'Checkout' }).getByText('Orders, refunds and events: read and write').waitFor();
    assert.equal((await withKey(checkoutKey, '/events')).status, 200);
    assert.equal((await withKey(checkoutKey, '/affiliates')).status, 403);

    // Revoked after a confirmation: refused from the next request on.
    await row.getByRole('button', { name: 'Revoke Reporting sheet' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByText('is refused from its next request', { exact: false }).waitFor();
    await shoot(page, 'developers-03-revoke');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked', { exact: false }).waitFor();
    const gone = await withKey(key, '/affiliates');
    assert.equal(gone.status, 401);
    assert.match(gone.data.error, /revoked/);
    assert.equal((await withKey(checkoutKey, '/events')).status, 200);
    await shootBothWidths(page, 'developers-04-list');
  });
});
