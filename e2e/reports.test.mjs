// The Subscriptions report in a real browser, inside Shopify admin.
// Orders paid with affiliates' codes on the sandbox store (one customer
// back later without the code, one refunded) fill the customers report;
// the page's numbers are checked against /api/v1/reports/*, its CSV
// download against the API's, and nothing may overflow a 390 px screen.
// Then subscriptions are reported as a merchant with their own checkout
// reports them (POST /api/v1/orders for each first payment, with the
// affiliate's code and the subscription's id, and POST
// /api/v1/subscriptions for each state: started, upgraded, canceled,
// back, downgraded, over three months, one in another currency), and
// the MRR figures, the movements, the heat map's cells and both CSV
// downloads are checked against values worked out by hand in the test.
// Screenshots at 1440×900 and 390×844 go to e2e/artifacts/screenshots/reports-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOP, adminURL, artifacts, launchBrowser, launchEmbedded, mintToken, sandbox, shootBothWidths, shopAPI, startStack, stopStack, until, untilOnStore } from './harness.mjs';
import { formatMoney } from '../frontend/admin/src/money.js';
import { monthsBetween, presetMonths } from '../frontend/admin/src/months.js';
import { monthLabel } from '../frontend/admin/src/reports.js';

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

/** The server's JSON log lines so far. */
function serverLog() {
  return readFileSync(join(artifacts, 'server.log'), 'utf8').split('\n').filter((l) => l.startsWith('{'))
    .map((l) => { try { return JSON.parse(l); } catch { return {}; } });
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

  test('subscriptions reported through the API show as MRR, movements and retention worked out by hand', async () => {
    // Months counted back from this one (UTC), and a time in each.
    const now = new Date();
    const month = (k) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 7);
    const at = (k, day) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, day, 12)).toISOString();
    const justNow = () => new Date(Date.now() - 5000).toISOString();
    const [M2, M1, M0] = [month(2), month(1), month(0)];
    // Ann brings Ivy (two subscriptions: $30.00 a month, and $240.00 a
    // year, $20.00 a month) and Jo ($20.00 a month); Ben brings Kit
    // ($15.00 a month), Lu ($40.00 a month, this month) and Mo (€99.00 a
    // month, another currency: never added to dollars).
    const subs = {
      A1: { code: 'ANNSUB', email: 'sub.ivy@example.com', started: at(2, 3), amount: 3000, interval: 'month' },
      A2: { code: 'ANNSUB', email: 'sub.jo@example.com', started: at(2, 5), amount: 2000, interval: 'month' },
      A3: { code: 'ANNSUB', email: 'SUB.Ivy@example.com', started: at(1, 4), amount: 24000, interval: 'year' },
      B1: { code: 'BENSUB', email: 'sub.kit@example.com', started: at(1, 6), amount: 1500, interval: 'month' },
      B3: { code: 'BENSUB', email: 'sub.mo@example.com', started: at(1, 8), amount: 9900, interval: 'month', currency: 'EUR' },
      B2: { code: 'BENSUB', email: 'sub.lu@example.com', started: justNow(), amount: 4000, interval: 'month' },
    };
    // The merchant: the account whose API key the server prints on its
    // first start, with no store, so its codes match the orders it reports
    // itself. It signs in to the admin with the link the log holds.
    const merchant = serverLog().find((l) => l.msg === 'demo account created');
    const api = async (path, body) => {
      const res = await fetch(`${stack.appURL}/api/v1${path}`, { method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${merchant.api_key}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(data)}`);
      return data;
    };
    const mine = {};
    for (const [name, code] of [['Ann Lee', 'ANNSUB'], ['Ben Ode', 'BENSUB']]) {
      mine[name] = (await api('/affiliates', { name, email: `${code.toLowerCase()}@example.com` })).id;
      await api('/codes', { code, discount_type: 'percentage', discount_value: 1000, affiliate_id: mine[name] });
    }
    const state = (id, change) => {
      const s = subs[id];
      return api('/subscriptions', { id: `sub_${id}`, customer_email: s.email, status: 'active', currency: s.currency || 'USD', amount: s.amount,
        interval: s.interval, started_at: s.started, changed_at: s.started, ...change });
    };
    const range = presetMonths('12m', now.toISOString().slice(0, 10));
    const report = () => api(`/reports/recurring?from=${range.from}&to=${range.to}`);
    const ann = (r) => r.affiliates.find((a) => a.affiliate_id === mine['Ann Lee']) || {};
    let last;
    const settled = (what, fn) => until(what, async () => fn((last = await report())), 60000, 300)
      .catch((e) => { throw new Error(`${e.message}; the report said ${JSON.stringify(last)}`); });

    // Each first payment is an order with the affiliate's code naming its
    // subscription; each subscription's first state comes beside it.
    for (const [id, s] of Object.entries(subs)) {
      await api('/orders', { id: `S-${id}`, number: `#S-${id}`, codes: [s.code], currency: s.currency || 'USD', subtotal: s.amount,
        discount: 0, total: s.amount, customer_email: s.email, customer_name: 'Sub Buyer', subscription_id: `sub_${id}`, placed_at: s.started });
      await state(id, {});
    }
    await settled('every subscription linked to its affiliate', (r) => ann(r).mrr === 7000 && r.total.mrr === 12500 &&
      r.total.active_subscriptions === 5 && r.other_currencies.length === 1);
    // Last month Ivy's $30.00 plan went to $50.00 and Jo canceled; each
    // state waits for the one before, as a platform sends them in order.
    await state('A1', { amount: 5000, changed_at: at(1, 10) });
    await state('A2', { status: 'canceled', changed_at: at(1, 15), canceled_at: at(1, 15) });
    await settled('the upgrade and the cancellation', (r) => ann(r).mrr === 7000 && ann(r).active_subscriptions === 2);
    // This month Jo came back and Ivy's yearly plan went down to $120.00.
    await state('A2', { changed_at: justNow() });
    await state('A3', { amount: 12000, changed_at: justNow() });
    await settled('the comeback and the downgrade', (r) => ann(r).mrr === 8000 && ann(r).active_subscriptions === 3);

    // By hand: each affiliate's movements per month (contraction and churn
    // negative), MRR now, subscriptions paying now and their customers.
    const moves = {
      'Ann Lee': { [M2]: { new: 5000 }, [M1]: { new: 2000, expansion: 2000, churn: -2000 }, [M0]: { reactivation: 2000, contraction: -1000 } },
      'Ben Ode': { [M1]: { new: 1500 }, [M0]: { new: 4000 } },
    };
    const now_ = { 'Ann Lee': [8000, 3, 2], 'Ben Ode': [5500, 2, 2], 'All affiliates': [13500, 5, 4] }; // Ivy counts once
    const KINDS = ['new', 'expansion', 'contraction', 'churn', 'reactivation'];
    const of = (name, m) => {
      const rows = name === 'All affiliates' ? Object.values(moves).map((a) => a[m] || {}) : [moves[name][m] || {}];
      const v = Object.fromEntries(KINDS.map((k) => [k, rows.reduce((s, r) => s + (r[k] || 0), 0)]));
      v.net = KINDS.reduce((s, k) => s + v[k], 0);
      return v;
    };
    const money = (n) => (n / 100).toFixed(2);

    const shop = page;
    const own = await launchBrowser();
    page = await own.newPage();
    page.setDefaultTimeout(20000);
    try {
      await page.goto(`${stack.appURL}/admin/`);
      const asked = await fetch(`${stack.appURL}/admin/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: stack.appURL },
        body: JSON.stringify({ email: merchant.email }) });
      assert.equal(asked.status, 202);
      const link = await until('the sign-in link in the log', async () => serverLog().find((l) => /^merchant sign-in link/.test(l.msg || ''))?.link);
      await page.goto(link);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/admin\/?(\?|$)/);
      await page.goto(`${stack.appURL}/admin/subscriptions`);
      await metric('MRR now').getByText('$135.00', { exact: true }).waitFor();
      const figure = async (label) => (await metric(label).innerText()).split('\n').map((t) => t.trim());
      assert.ok((await figure('Active subscriptions')).includes('5'), 'five subscriptions pay now (Mo’s in euros apart)');
      assert.ok((await figure('Active customers')).includes('4'), 'Ivy’s two subscriptions are one customer');
      await metric('Net MRR change').getByText('+$135.00', { exact: true }).waitFor();
      await page.getByText('Not counted above (another currency, never converted): €99.00 MRR from 1 subscription.').waitFor();
      const chart = page.getByRole('img', { name: /Recurring revenue movements of all affiliates per month/ });
      assert.match(await chart.getAttribute('aria-label'),
        /: \$125\.00 new, \$20\.00 expansion, \$20\.00 reactivation, \$10\.00 contraction, \$20\.00 churn, net \$135\.00$/);

      const mrr = card('MRR by affiliate');
      const mrrRows = async () => (await mrr.locator('tbody tr').allInnerTexts()).map((t) => t.split(/\s*\n\s*|\t/).filter(Boolean));
      assert.deepEqual(await mrrRows(), [['Ann Lee', '$80.00', '3', '2'], ['Ben Ode', '$55.00', '2', '2']], 'largest MRR first');
      await mrr.getByRole('button', { name: /MRR/ }).first().click();
      await until('ascending order', async () => (await mrrRows())[0][0] === 'Ben Ode', 5000);
      await mrr.getByRole('button', { name: /MRR/ }).first().click();
      await until('largest first again', async () => (await mrrRows())[0][0] === 'Ann Lee', 5000);

      // The movements' CSV: every month of the range, worked out by hand.
      const lines = ['affiliate_id,name,currency,month,new,expansion,contraction,churn,reactivation,net,mrr_end,mrr_now,active_subscriptions,active_customers'];
      for (const [name, id] of [['Ann Lee', mine['Ann Lee']], ['Ben Ode', mine['Ben Ode']], ['All affiliates', 0]]) {
        let end = 0;
        for (const m of monthsBetween(range.from, range.to)) {
          const v = of(name, m);
          end += v.net;
          lines.push([id, name, 'USD', m, ...[...KINDS, 'net'].map((k) => money(v[k])), money(end), money(now_[name][0]), now_[name][1], now_[name][2]].join(','));
        }
      }
      const movements = await downloadCSV(card('MRR movements · all affiliates'));
      assert.equal(movements.name, `recurring-revenue-${range.from}-to-${range.to}.csv`);
      assert.equal(movements.text, `${lines.join('\n')}\n`);

      // Retention: Ann's two first subscriptions (Ivy, Jo) two months ago,
      // Jo gone last month and back this month; last month's three (Ivy's
      // yearly, Kit, Mo: any currency) all still paying; Lu this month.
      const cohorts = [[M2, 2, [2, 1, 2]], [M1, 3, [3, 3]], [M0, 1, [1]]];
      const heat = page.getByRole('region', { name: 'Retention by cohort', exact: true });
      await heat.waitFor();
      assert.equal(await heat.getByRole('row').count(), cohorts.length + 1, 'a row per cohort under the heading');
      for (const [m, size, paying] of cohorts) {
        const row = heat.getByRole('row', { name: new RegExp(`^${monthLabel(m)}`) });
        const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        assert.deepEqual(cells, [String(size), ...paying.map((p) => `${Math.round((100 * p) / size)}%`)], `the ${m} cohort`);
      }
      const half = heat.getByRole('row', { name: new RegExp(`^${monthLabel(M2)}`) }).getByText('50%', { exact: true });
      assert.equal(await half.getAttribute('title'), `${monthLabel(M2)}, 1 month later: 1 of 2 still paying`);
      const retention = await downloadCSV(card('Retention by cohort · all affiliates'));
      assert.equal(retention.name, `retention-${range.from}-to-${range.to}.csv`);
      const cells = cohorts.flatMap(([m, size, paying]) => paying.map((p, k) => [m, size, k, p, Math.floor((p * 10000) / size)].join(',')));
      assert.equal(retention.text, `${['cohort,subscriptions,months_since,paying,share_bp', ...cells].join('\n')}\n`);

      await noSidewaysScroll();
      await shots('mrr-retention');

      // One affiliate: Ben's figures, his movements and his cohorts alone.
      await page.getByLabel('Affiliate', { exact: true }).selectOption(String(mine['Ben Ode']));
      await page.getByRole('img', { name: /movements of Ben Ode per month/ }).waitFor();
      await metric('MRR now').getByText('$55.00', { exact: true }).waitFor();
      await metric('Net MRR change').getByText('+$55.00', { exact: true }).waitFor();
      await card('Retention by cohort · Ben Ode').waitFor();
      await until('Ben’s cohorts', async () => (await heat.getByRole('row').count()) === 3, 10000);
      const kit = (await heat.getByRole('row', { name: new RegExp(`^${monthLabel(M1)}`) }).locator('td').allInnerTexts()).map((t) => t.trim());
      assert.deepEqual(kit, ['2', '100%', '100%'], 'Kit and Mo, both still paying');
      await shots('mrr-one-affiliate');
    } finally {
      await own.close();
      page = shop;
    }
  });
});
