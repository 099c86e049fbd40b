// The Commission page in a real browser, inside Shopify admin: rules
// seeded through the API show in the table with what they pay; a rule is
// added through the dialog after a field error; the live preview works
// out each line by the rules' precedence, follows the commission base
// ("include shipping") and a code's own rule; tiers are set, kept and
// refused with a field error; a repeat customer earns the default's repeat
// rate, set on the Settings page.
// Screenshots at 1440×900 and 390×844 go to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminURL, launchEmbedded, shootBothWidths, shopAPI, startStack, stopStack, until } from './harness.mjs';

let stack;
let browser;
let page;
let code;

/** Screenshots at both widths, without a toast over the page. */
async function shots(name) {
  const toast = page.locator('.Polaris-Frame-Toast');
  if (await toast.count()) {
    await toast.getByRole('button').click();
    await toast.waitFor({ state: 'detached' });
  }
  await shootBothWidths(page, `commission-${name}`);
}

/** The preview's sentence once it has settled on the lines typed. */
async function previewTotal() {
  const region = page.getByRole('region', { name: 'What this order would earn' });
  if ((await region.getAttribute('aria-busy')) !== 'false') return '';
  return (await region.locator('#preview-total').textContent()) || '';
}

async function untilTotal(amount) {
  await until(`the preview to say ${amount}`, async () => (await previewTotal()) === `An order of these lines would earn ${amount}`, 15000);
}

/** The commission the preview gives the line titled title. */
async function lineCommission(title) {
  const row = page.getByRole('region', { name: 'What this order would earn' }).getByRole('row').filter({ hasText: title });
  return (await row.locator('td').nth(2).textContent()).trim();
}

async function fillLine(n, values) {
  const group = page.getByRole('group', { name: `Line ${n}` });
  for (const [label, value] of Object.entries(values)) await group.getByLabel(label, { exact: true }).fill(value);
}

describe('commission page', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.goto(adminURL(stack.appURL, '/'));
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    // The program default: 10% of each order.
    await shopAPI(stack.appURL, '/settings', { method: 'PUT', body: { default_commission: { kind: 'percent', basis_points: 1000, hold_days: 0 } } });
    const ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
    code = await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code: 'ANN10', discount_type: 'percentage', discount_value: 1000, affiliate_id: ann.id } });
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('without rules the page says what a rule is for', async () => {
    await page.goto(adminURL(stack.appURL, '/commission'));
    await page.getByText('No commission rules yet', { exact: true }).waitFor();
    await page.getByText(/Add a rule to pay more or less for one code, product, variant or collection/).waitFor();
    await untilTotal('$6.20');
    await shots('empty');
  });

  test('the seeded rules show with what they pay', async () => {
    const rule = (body) => shopAPI(stack.appURL, '/commission-rules', { method: 'POST', body: { connection_id: 0, ...body } });
    await rule({ scope: 'product', target: '101', label: 'Mug', kind: 'percent', basis_points: 2000 });
    await rule({ scope: 'product', target: '202', label: 'Gift card', kind: 'exclude' });
    await rule({ scope: 'code', target: String(code.id), kind: 'percent', basis_points: 2500 });
    await page.reload();
    await page.getByRole('heading', { name: 'Which rule decides' }).waitFor();
    await page.getByText('Otherwise your program default (10%).').waitFor();
    await page.getByText('Code rule (ANN10): 25%').waitFor();
    await page.getByText('Product rule (Mug): 20%').waitFor();
    await page.getByText('Excluded: Gift card earns nothing').waitFor();
    // The worked examples at the default 10%.
    await page.getByText('With shipping: 10% of $95.00 = $9.50.').waitFor();
    // The two example lines (2 × $25.00 and 1 × $12.00, no product rule) earn the default: 10% of $62.00.
    await untilTotal('$6.20');
    await shots('rules');
  });

  test('a rule is added through the dialog, after a field error', async () => {
    await page.getByRole('button', { name: 'Add rule' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Applies to').selectOption('product');
    await dialog.getByLabel('Product id').fill('101'); // Mug already has a rule
    await dialog.getByLabel('Name').fill('Poster');
    await dialog.getByLabel('Pays').selectOption('flat');
    await dialog.getByLabel('Amount per unit sold').fill('2.00');
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    // The API's error names the target: it shows under the id field, not in a banner.
    const idField = dialog.getByLabel('Product id');
    await dialog.getByText('Mug already has a rule: change that one instead').waitFor();
    assert.match(await idField.getAttribute('aria-describedby'), /Error/);
    await shots('modal-error');
    await idField.fill('303');
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('Rule for Poster added').waitFor();
    await page.getByRole('row').filter({ hasText: 'Product rule (Poster): 2.00 USD per unit' }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
  });

  test('the preview works each line out by the rules', async () => {
    // Line 1, T-shirt, no product rule: 2 × $25.00 = $50.00 at the default 10% = $5.00.
    // Line 2, Mug (101): 2 × $20.00 − $4.00 = $36.00 at its 20% = $7.20.
    await fillLine(2, { Title: 'Mug', 'Product id': '101', Quantity: '2', 'Unit price': '20.00', Discount: '4.00' });
    // Line 3, Gift card (202): excluded, $0.00.
    await page.getByRole('button', { name: 'Add line' }).click();
    await fillLine(3, { Title: 'Gift card', 'Product id': '202', Quantity: '1', 'Unit price': '50.00' });
    // Line 4, Poster (303): 3 units at $2.00 each = $6.00, whatever the price.
    await page.getByRole('button', { name: 'Add line' }).click();
    await fillLine(4, { Title: 'Poster', 'Product id': '303', Quantity: '3', 'Unit price': '10.00' });
    // $5.00 + $7.20 + $0.00 + $6.00 = $18.20; shipping ($5.00) is not in the base yet.
    await untilTotal('$18.20');
    assert.equal(await lineCommission('T-shirt'), '$5.00');
    assert.equal(await lineCommission('Mug'), '$7.20');
    assert.equal(await lineCommission('Gift card'), '$0.00');
    assert.equal(await lineCommission('Poster'), '$6.00');
    const region = page.getByRole('region', { name: 'What this order would earn' });
    assert.equal(await region.getByRole('row').filter({ hasText: 'Shipping' }).count(), 0);
    await shots('preview');
  });

  test('including shipping changes the preview', async () => {
    await page.getByLabel('Include shipping').check();
    await page.getByText('Shipping now earns commission').waitFor();
    // Shipping earns as a line under the default: 10% of $5.00 = $0.50; $18.20 + $0.50 = $18.70.
    await untilTotal('$18.70');
    assert.equal(await lineCommission('Shipping'), '$0.50');
    await page.getByText('With your choices: 10% of $95.00 = $9.50.').waitFor();
    const saved = await shopAPI(stack.appURL, '/settings');
    assert.deepEqual(saved.commission_base, { shipping: true, tax: false, before_discount: false });
    await shots('shipping');
  });

  test('a code with its own rule outranks product rules but not an exclusion', async () => {
    await page.getByLabel('Paid with code').selectOption({ label: 'ANN10' });
    // ANN10 pays 25% on every line but the excluded gift card, shipping included:
    // T-shirt $50.00, Mug $36.00, Poster $30.00, shipping $5.00 = $121.00 × 25% = $30.25,
    // shared as $12.50, $9.00, $0.00, $7.50 and $1.25.
    await untilTotal('$30.25');
    assert.equal(await lineCommission('T-shirt'), '$12.50');
    assert.equal(await lineCommission('Mug'), '$9.00');
    assert.equal(await lineCommission('Gift card'), '$0.00');
    assert.equal(await lineCommission('Poster'), '$7.50');
    assert.equal(await lineCommission('Shipping'), '$1.25');
    await shots('code');
  });

  test('a rule is edited, and a deleted one gives way to the next', async () => {
    await page.getByRole('button', { name: 'Edit the rule for Mug' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Commission').fill('30');
    await dialog.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('row').filter({ hasText: 'Product rule (Mug): 30%' }).waitFor();
    await page.getByLabel('Paid with code').selectOption({ label: 'No code' });
    // Ann has no rate of her own: the default's lines share one rounding, T-shirt $50.00 + shipping $5.00 = $55.00 × 10% = $5.50;
    // Mug $36.00 × 30% = $10.80; Poster $6.00; $5.50 + $10.80 + $6.00 = $22.30.
    await untilTotal('$22.30');
    assert.equal(await lineCommission('Mug'), '$10.80');

    await page.getByRole('button', { name: 'Delete the rule for Poster' }).click();
    await dialog.getByText(/commission already booked does not change/).waitFor();
    await dialog.getByRole('button', { name: 'Delete rule' }).click();
    await page.getByText('Rule for Poster deleted').waitFor();
    await until('the row to go', async () => (await page.getByRole('row').filter({ hasText: 'Product rule (Poster)' }).count()) === 0);
    // The Poster falls back to the default: T-shirt $50.00 + Poster $30.00 + shipping $5.00 = $85.00 × 10% = $8.50,
    // shared $5.00, $3.00 and $0.50; with the Mug's $10.80, $19.30.
    await untilTotal('$19.30');
    assert.equal(await lineCommission('Poster'), '$3.00');
  });

  test('tiers are set on the page, kept, and a duplicate threshold is refused under its field', async () => {
    const card = page.getByRole('region', { name: 'Tiers: higher rates for affiliates who sell more' });
    await card.getByText(/Crossing a tier changes the rate of later orders only/).waitFor();
    assert.equal(await card.getByLabel('Use tiers').isChecked(), false, 'tiers are off by default');
    await card.getByLabel('Use tiers').check();
    await card.getByLabel('Count', { exact: true }).selectOption('sales');
    await card.getByLabel('Period', { exact: true }).selectOption('month');
    const tier = (n) => card.getByRole('group', { name: `Tier ${n}` });
    await card.getByRole('button', { name: 'Add tier' }).click();
    await tier(1).getByLabel('Name').fill('Silver');
    await tier(1).getByLabel('From sales of').fill('1000');
    await tier(1).getByLabel('Commission').fill('15');
    await card.getByRole('button', { name: 'Add tier' }).click();
    await tier(2).getByLabel('Name').fill('Gold');
    await tier(2).getByLabel('From sales of').fill('1000');
    await tier(2).getByLabel('Pays').selectOption('flat');
    await tier(2).getByLabel('Amount per order').fill('25.00');
    await card.getByLabel(/Pay a bonus on crossing/).check();
    // The worked example at the default 10%: 5% of $1,100.00.
    await card.getByText(/With the bonus they also get 5% of \$1,100\.00 = \$55\.00/).waitFor();
    await card.getByRole('button', { name: 'Save tiers' }).click();
    // The API names the threshold: the error shows under Gold's, not Silver's, and nothing is saved.
    const gold = tier(2).getByLabel('From sales of');
    await tier(2).getByText('Tiers Silver and Gold have the same threshold').waitFor();
    assert.match(await gold.getAttribute('aria-describedby'), /Error/);
    assert.doesNotMatch((await tier(1).getByLabel('From sales of').getAttribute('aria-describedby')) || '', /Error/);
    assert.equal((await shopAPI(stack.appURL, '/commission-tiers')).metric, '');
    await shots('tiers-error');
    await gold.fill('5000');
    await card.getByRole('button', { name: 'Save tiers' }).click();
    await page.getByText('Tiers saved').waitFor();
    const saved = await shopAPI(stack.appURL, '/commission-tiers');
    assert.deepEqual(saved.tiers.map((t) => [t.name, t.threshold, t.pays]), [['Silver', 100000, '15%'], ['Gold', 500000, '25.00 USD per order']]);
    assert.deepEqual([saved.metric, saved.period, saved.bonus], ['sales', 'month', true]);
    await page.reload();
    await tier(2).getByLabel('Name').waitFor();
    assert.equal(await card.getByLabel('Use tiers').isChecked(), true);
    assert.equal(await tier(1).getByLabel('Name').inputValue(), 'Silver');
    assert.equal(await tier(1).getByLabel('From sales of').inputValue(), '1000.00');
    assert.equal(await tier(2).getByLabel('Amount per order').inputValue(), '25.00');
    assert.equal(await card.getByLabel(/Pay a bonus on crossing/).isChecked(), true);
    await page.getByText('Otherwise the rate of the highest tier the affiliate has reached, when you use tiers.').waitFor();
    await shots('tiers');
  });

  test('a repeat customer earns the repeat rate set on the Settings page', async () => {
    await page.goto(adminURL(stack.appURL, '/settings'));
    await page.getByLabel('Repeat customers earn').fill('5');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Settings saved').waitFor();
    assert.equal((await shopAPI(stack.appURL, '/settings')).default_commission.repeat_basis_points, 500);
    await page.goto(adminURL(stack.appURL, '/commission'));
    await page.getByText('Otherwise your program default (10%; repeat customers 5%).').waitFor();
    // The example lines (2 × $25.00, 1 × $12.00) and $5.00 shipping, now in the base: $67.00 × 10% = $6.70.
    await untilTotal('$6.70');
    await page.getByLabel('Repeat customer').check();
    // A customer who ordered before: $67.00 × 5% = $3.35.
    await untilTotal('$3.35');
    await shots('repeat');
  });
});
