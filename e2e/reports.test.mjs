// The Subscriptions report in a real browser, inside Shopify admin.
// Orders paid with affiliates' codes on the sandbox store (one customer
// back later without the code, one refunded) fill the customers report;
// the page's numbers are checked against /api/v1/reports/*, its CSV
// download against the API's, and nothing may overflow a 390 px screen.
// No route can report a subscription's state yet (no platform sends
// subscription events, and orders reported through POST /api/v1/orders
// cannot carry an affiliate's code: codes live on a store), so MRR and
// retention are drawn from an answer shaped as handlers/reports.go
// documents, served to the page in place of the server's.
// Screenshots at 1440×900 and 390×844 go to e2e/artifacts/screenshots/reports-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHOP, adminURL, launchEmbedded, mintToken, sandbox, shootBothWidths, shopAPI, startStack, stopStack, until, untilOnStore } from './harness.mjs';
import { formatMoney } from '../frontend/admin/src/money.js';
import { monthsBetween, presetMonths } from '../frontend/admin/src/months.js';

let stack;
let browser;
let page;
const ids = {};
const orders = {};
const thisMonth = new Date().toISOString().slice(0, 7);

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shots = (name) => shootBothWidths(page, `reports-${name}`);

/** An order paid on the sandbox store, with code (or none), by email. */
async function sell(key, code, email, price) {
  const res = await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
    codes: code ? [code] : [], email, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Box', price, quantity: 1 }],
  });
  orders[key] = res.order_id;
}

async function csvFromAPI(path) {
  const res = await fetch(`${stack.appURL}/api/v1${path}`, { headers: { Authorization: `Bearer ${mintToken()}` } });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.text();
}

/** Clicks a card's Download CSV and returns the file's text and name. */
async function downloadCSV(card) {
  const [d] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: /Download .* as CSV/ }).click()]);
  return { text: readFileSync(await d.path(), 'utf8'), name: d.suggestedFilename() };
}

async function noSidewaysScroll() {
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.ok(wide <= 390, `the page is ${wide}px wide at 390px`);
}

const card = (title) => page.getByRole('region', { name: title, exact: true });
const metric = (label) => page.getByRole('region', { name: label, exact: true });

describe('subscriptions report', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await open('/');
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    for (const [name, code] of [['Ann Lee', 'ANNSUB'], ['Ben Ode', 'BENSUB']]) {
      const a = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name, email: `${code.toLowerCase()}@example.com` } });
      ids[name] = a.id;
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: a.id } });
    }
    await shopAPI(stack.appURL, '/settings', { method: 'PUT', body: { lifetime: { on: true, days: 0 } } });
    await untilOnStore(stack.appURL, ['ANNSUB', 'BENSUB']);
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('before any subscription the page says what makes data appear', async () => {
    await open('/subscriptions');
    await page.getByRole('heading', { name: 'No subscription revenue from affiliates yet' }).waitFor();
    await page.getByText('Connect a subscription platform (Stripe or Paddle)').waitFor();
    await card('Retention by cohort · all affiliates').getByText('No cohorts in these months.').waitFor();
    await card('Customers by affiliate').getByText('No customers acquired by an affiliate in these months.').waitFor();
    assert.equal(await metric('MRR now').count(), 0, 'no row of zeros before there is anything to count');
    await noSidewaysScroll();
    await shots('empty');
  });

  test('customers acquired with codes show as the API counts them, with the CSV', async () => {
    // Ann brings Ivy (who comes back without the code: a repeat order
    // where lifetime attribution credits it), Jo, and Kit whose order is
    // refunded; Ben brings Lu. 10% off each price.
    await sell('ivy1', 'ANNSUB', 'ivy@example.com', '30.00');
    await sell('jo1', 'ANNSUB', 'jo@example.com', '50.00');
    await sell('kit1', 'ANNSUB', 'kit@example.com', '100.00');
    await sell('lu1', 'BENSUB', 'lu@example.com', '20.00');
    await until('the first orders to be booked', async () => (await shopAPI(stack.appURL, '/conversions')).total === 4, 30000, 500);
    await sell('ivy2', null, 'ivy@example.com', '30.00');
    await sandbox(stack.sandboxURL, `/shops/${SHOP}/orders/${orders.kit1}/refunds`, { lines: [{ index: 0, quantity: 1 }] });
    const rep = await until('the customers report to count both affiliates', async () => {
      const r = await shopAPI(stack.appURL, `/reports/customers?from=${thisMonth}&to=${thisMonth}`);
      const ann = r.affiliates.find((a) => a.affiliate_id === ids['Ann Lee']);
      return ann && ann.customers_acquired === 3 && ann.refunded > 0 && r.affiliates.length === 2 ? r : null;
    }, 30000, 500);
    const ben = rep.affiliates.find((a) => a.affiliate_id === ids['Ben Ode']);
    assert.equal(ben.customers_acquired, 1);
    const six = presetMonths('6m', new Date().toISOString().slice(0, 10));
    const all = await shopAPI(stack.appURL, `/reports/customers?from=${six.from}&to=${six.to}`);

    await open('/subscriptions?months=6m');
    const table = card('Customers by affiliate');
    for (const a of all.affiliates) {
      const row = table.getByRole('row').filter({ hasText: a.name });
      await row.getByText(formatMoney(a.revenue_per_customer, all.currency), { exact: true }).waitFor();
      const cells = await row.locator('td').allInnerTexts();
      assert.equal(cells[0].trim(), String(a.customers_acquired), `${a.name}: customers acquired`);
      assert.equal(cells[2].trim(), String(a.repeat_orders), `${a.name}: repeat orders`);
      assert.equal(cells[3].trim(), `${Math.round(a.refund_rate_bp / 10) / 10}%`, `${a.name}: refund rate`);
    }
    const foot = await table.locator('tr').filter({ hasText: 'All affiliates' }).first().locator('td').allInnerTexts();
    assert.equal(foot[0].trim(), String(all.total.customers_acquired), 'the total row is the API’s');
    assert.equal(foot[1].trim(), formatMoney(all.total.revenue_per_customer, all.currency));

    const { text, name } = await downloadCSV(table);
    assert.equal(name, `customers-${six.from}-to-${six.to}.csv`);
    assert.equal(text, await csvFromAPI(`/reports/customers.csv?from=${six.from}&to=${six.to}`), 'the download is the API’s CSV');
    assert.match(text, /Ann Lee,USD,3,/);
    await noSidewaysScroll();
    await shots('customers');

    // A custom range before any order: nothing acquired, and it survives a reload.
    await page.getByLabel('Months').selectOption('custom');
    await page.getByLabel('First month').fill('2025-01');
    await page.getByLabel('Last month').fill('2025-03');
    await table.getByText('No customers acquired by an affiliate in these months.').waitFor();
    await page.reload();
    await card('Customers by affiliate').getByText('No customers acquired by an affiliate in these months.').waitFor();
    const q = new URL(page.url()).searchParams;
    assert.deepEqual([q.get('months'), q.get('from'), q.get('to'), q.get('shop')], ['custom', '2025-01', '2025-03', SHOP]);
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    assert.match(await page.getByText(/Recurring revenue and retention by affiliate · /).innerText(), /Jan 2025 – Mar 2025/);
  });

  test('MRR and the retention heat map as handlers/reports.go documents them', async () => {
    // What no route can seed yet: a year of subscriptions' states. The
    // page gets this answer in place of the server's for these two reports.
    const months = monthsBetween(presetMonths('12m', new Date().toISOString().slice(0, 10)).from, thisMonth);
    const mov = (i, k) => ({ month: months[i], new: 4000 + 500 * (i % 3), expansion: i % 2 ? 1500 : 0, contraction: i % 4 === 3 ? -900 : 0,
      churn: i > 2 ? -1200 - 300 * (i % 2) : 0, reactivation: i === 6 ? 2500 : 0, mrr_end: 0, net: 0, k });
    const series = (scale) => months.map((_, i) => {
      const m = mov(i);
      for (const k of ['new', 'expansion', 'contraction', 'churn', 'reactivation']) m[k] = Math.round(m[k] * scale);
      m.net = m.new + m.expansion + m.contraction + m.churn + m.reactivation;
      delete m.k;
      return m;
    });
    const ann = { affiliate_id: ids['Ann Lee'], name: 'Ann Lee', mrr: 2990000, active_subscriptions: 412, active_customers: 398, months: series(1) };
    const ben = { affiliate_id: ids['Ben Ode'], name: 'Ben Ode', mrr: 45000, active_subscriptions: 9, active_customers: 9, months: series(0.1) };
    const recurring = {
      currency: 'USD', from: months[0], to: thisMonth, affiliates: [ann, ben],
      total: { affiliate_id: 0, name: '', mrr: ann.mrr + ben.mrr, active_subscriptions: 421, active_customers: 407, months: series(1.1) },
      other_currencies: [{ currency: 'EUR', mrr: 9900, active_subscriptions: 2 }],
    };
    const retention = {
      affiliate_id: 0, from: months[0], to: thisMonth,
      cohorts: months.map((cohort, i) => {
        const size = 40 + i * 3;
        return { cohort, subscriptions: size, months: months.slice(i).map((_, s) => {
          const paying = Math.round(size * Math.max(0.05, 1 - 0.11 * s));
          return { months_since: s, paying, share_bp: Math.floor((paying * 10000) / size) };
        }) };
      }),
    };
    await page.route('**/api/v1/reports/recurring?*', (r) => r.fulfill({ json: recurring }));
    await page.route('**/api/v1/reports/retention?*', (r) => r.fulfill({ json: retention }));
    await open('/subscriptions');
    await metric('MRR now').getByText(formatMoney(recurring.total.mrr, 'USD')).waitFor();
    await metric('Active subscriptions').getByText('421').waitFor();
    await page.getByText('Not counted above (another currency, never converted): €99.00 MRR from 2 subscriptions.').waitFor();
    const net = recurring.total.months.reduce((s, m) => s + m.net, 0);
    await metric('Net MRR change').getByText(`+${formatMoney(net, 'USD')}`).waitFor();
    const chart = page.getByRole('img', { name: /Recurring revenue movements of all affiliates per month/ });
    assert.match(await chart.getAttribute('aria-label'), new RegExp(`net \\${formatMoney(net, 'USD')}$`));

    const mrr = card('MRR by affiliate');
    const names = async () => (await mrr.locator('tbody tr').allInnerTexts()).map((t) => t.split('\n')[0].trim());
    assert.deepEqual(await names(), ['Ann Lee', 'Ben Ode'], 'largest MRR first');
    await mrr.getByRole('button', { name: /MRR/ }).first().click();
    await until('ascending order', async () => (await names())[0] === 'Ben Ode', 5000);
    await mrr.getByRole('button', { name: /MRR/ }).first().click();
    await until('largest first again', async () => (await names())[0] === 'Ann Lee', 5000);

    await page.getByLabel('Affiliate', { exact: true }).selectOption(String(ids['Ben Ode']));
    await page.getByRole('img', { name: /movements of Ben Ode per month/ }).waitFor();
    await metric('MRR now').getByText('$450.00').waitFor();
    await page.getByLabel('Affiliate', { exact: true }).selectOption('');

    const heat = page.getByRole('region', { name: 'Retention by cohort', exact: true });
    const first = heat.getByRole('row').nth(1);
    await first.getByText('100%').first().waitFor();
    assert.equal(await heat.getByRole('row').count(), months.length + 1);
    await page.getByText('80–100%').waitFor();
    const [d] = await Promise.all([page.waitForEvent('download'), card('Retention by cohort · all affiliates').getByRole('button', { name: /Download/ }).click()]);
    assert.match(d.suggestedFilename(), /^retention-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv$/);

    await noSidewaysScroll();
    await page.setViewportSize({ width: 390, height: 844 });
    const scrolls = await heat.evaluate((el) => el.scrollWidth > el.clientWidth);
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.ok(scrolls, 'at 390px the heat map scrolls inside its card');
    await shots('mrr-retention');
    await page.unroute('**/api/v1/reports/recurring?*');
    await page.unroute('**/api/v1/reports/retention?*');
  });
});
