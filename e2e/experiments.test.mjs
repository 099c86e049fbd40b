// Discount experiments in a real browser, embedded in Shopify admin: the
// empty state, the create modal (an error under its field), visitors sent
// to the experiment's link (each keeps their variant; bots, HEAD and
// returning visitors are not counted), orders through the Shopify sandbox,
// the report with figures worked out by hand, and Stop. Screenshots go
// to e2e/artifacts/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SHOP, adminURL, launchEmbedded, sandbox, shootBothWidths, shopAPI, startStack, stopStack, until, untilOnStore,
} from './harness.mjs';

const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
let stack;
let browser;
let page;
let ann;
let exp;

const shots = (name) => shootBothWidths(page, `experiments-${name}`);

/** One request to the link as a browser (or a HEAD), with a cookie or none. */
async function hit(url, { cookie = '', method = 'GET', ua = SAFARI } = {}) {
  const res = await fetch(url, { method, redirect: 'manual', headers: { 'User-Agent': ua, ...(cookie ? { Cookie: cookie } : {}) } });
  assert.equal(res.status, 302, `${method} ${url}`);
  const set = res.headers.get('set-cookie') || '';
  return { location: res.headers.get('location'), cookie: set.split(';')[0], setCookie: set };
}

/** The variant code a link's Location applies (Shopify /discount/{CODE}). */
const codeOf = (location) => decodeURIComponent(location.match(/\/discount\/([^?]+)/)[1]);

describe('discount experiments', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await page.goto(adminURL(stack.appURL, '/'));
    await page.getByText('Connected:').waitFor({ timeout: 60000 });
    ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
    for (const [code, value] of [['EXP10', 1000], ['EXP20', 2000]]) {
      await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code, discount_type: 'percentage', discount_value: value, affiliate_id: ann.id } });
    }
    await untilOnStore(stack.appURL, ['EXP10', 'EXP20']);
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('an account without experiments is told what one does', async () => {
    await page.goto(adminURL(stack.appURL, '/experiments'));
    await page.getByText('Test which discount sells best', { exact: true }).waitFor();
    await shots('01-empty');
  });

  test('the create modal shows an error under its field, then starts the experiment', async () => {
    await page.getByRole('button', { name: 'New experiment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Spring test');
    await dialog.getByLabel('For').selectOption({ label: 'Ann Lee' });
    await dialog.getByPlaceholder('Search codes').fill('EXP');
    await dialog.getByLabel('EXP10 · 10% off').check();
    await dialog.getByLabel('EXP20 · 20% off').check();
    await dialog.getByText('Picked: EXP10, EXP20').waitFor();
    await dialog.getByLabel('Expected conversion rate').fill('150');
    await dialog.getByRole('button', { name: 'Start experiment' }).click();
    await dialog.getByText('The expected conversion rate must be above 0% and below 100%').waitFor();
    await shots('02-create-error');
    await dialog.getByLabel('Expected conversion rate').fill('5');
    await dialog.getByRole('button', { name: 'Start experiment' }).click();
    await page.getByRole('heading', { name: 'Spring test' }).waitFor();
    exp = (await shopAPI(stack.appURL, '/experiments')).data[0];
    assert.equal(exp.url, `${stack.appURL}/r/spring-test`);
    assert.deepEqual(exp.variants.map((v) => v.code), ['EXP10', 'EXP20']);
    await page.getByText('Not enough data yet', { exact: true }).waitFor();
  });

  test('visitors keep their variant; the report matches a hand calculation', async () => {
    // A HEAD request is never counted but is given a variant: it lets the
    // test pick visitors so that EXP10 gets 8 and EXP20 gets 5.
    const want = { EXP10: 8, EXP20: 5 };
    const sent = { EXP10: 0, EXP20: 0 };
    for (let i = 0; i < 200 && (sent.EXP10 < want.EXP10 || sent.EXP20 < want.EXP20); i++) {
      const probe = await hit(exp.url, { method: 'HEAD' });
      const code = codeOf(probe.location);
      if (sent[code] >= want[code]) continue;
      assert.match(probe.setCookie, new RegExp(`^cc_exp_${exp.id}=[^;]+; Path=/r/; Max-Age=7776000; HttpOnly; SameSite=Lax`));
      const first = await hit(exp.url, { cookie: probe.cookie });
      const back = await hit(exp.url, { cookie: probe.cookie }); // returns within 30 min: not counted again
      assert.equal(codeOf(first.location), code);
      assert.equal(back.location, first.location);
      sent[code] += 1;
    }
    assert.deepEqual(sent, want);
    await hit(exp.url, { ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }); // a bot: not counted
    await until('13 visitors counted', async () => {
      const r = await shopAPI(stack.appURL, `/experiments/${exp.id}/report`);
      return r.variants[0].visitors === 8 && r.variants[1].visitors === 5;
    });

    // Orders with the variants' codes (the store applies the discount;
    // commission 10% of the discounted subtotal). Ann's own purchase is
    // flagged and left out.
    const order = (code, email, price) => sandbox(stack.sandboxURL, `/shops/${SHOP}/orders`, {
      codes: [code], email, first_name: 'Bo', last_name: 'Buyer', lines: [{ title: 'Kite', price, quantity: 1 }],
    });
    await order('EXP10', 'one@example.com', '50.00'); // $45.00, commission $4.50
    await order('EXP10', 'two@example.com', '50.00');
    await order('EXP20', 'three@example.com', '50.00'); // $40.00, commission $4.00
    await order('EXP20', 'four@example.com', '50.00');
    await order('EXP20', 'ann@example.com', '50.00'); // flagged
    await until('the orders to be attributed', async () => {
      const r = await shopAPI(stack.appURL, '/reports/discounts');
      return r.total.orders === 4 && r.flagged === 1;
    }, 30000);
    await until('the orders in the experiment', async () => {
      const r = await shopAPI(stack.appURL, `/experiments/${exp.id}/report`);
      return r.variants[0].orders === 2 && r.variants[1].orders === 2;
    });

    // By hand: EXP10 2/8 = 25.0%, Wilson 95% 7.1% – 59.1%, (9000 − 900) / 8 = 1012.5 cents → $10.13 a visitor;
    // EXP20 2/5 = 40.0%, 11.8% – 76.9%, (8000 − 800) / 5 = $14.40. The minimum sample for 5% → 7.5% at
    // α 0.05 and 80% power is 1,471 per variant: 1,463 + 1,466 = 2,929 more visitors.
    const r = await shopAPI(stack.appURL, `/experiments/${exp.id}/report`);
    assert.equal(r.min_sample, 1471);
    assert.equal(r.verdict, 'keep_running');
    await page.reload();
    const rows = page.getByRole('row');
    const ten = rows.filter({ hasText: 'EXP10' });
    const twenty = rows.filter({ hasText: 'EXP20' });
    await ten.getByText('25.0%', { exact: true }).waitFor();
    for (const [row, texts] of [
      [ten, ['8', '1,463 more needed', '2', '25.0%', '95%: 7.1% – 59.1%', '$10.13']],
      [twenty, ['5', '1,466 more needed', '2', '40.0%', '95%: 11.8% – 76.9%', '$14.40']],
    ]) {
      for (const t of texts) await row.getByText(t, { exact: true }).first().waitFor();
    }
    await page.getByText('2,929 more visitors are needed before the test is run: every variant needs 1,471.').waitFor();
    await page.getByText('two-sided two-proportion z-test', { exact: false }).waitFor();
    await page.getByText('fixed horizon: no verdict before every variant has the minimum sample', { exact: false }).waitFor();
    await shots('03-report');
  });

  test('stop sends everyone to the first variant and keeps the codes', async () => {
    await page.getByRole('button', { name: 'Stop experiment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('No winner is declared, so the link will send everyone to EXP10, the first variant.').waitFor();
    await shots('04-stop-confirm');
    await dialog.getByRole('button', { name: 'Stop experiment' }).click();
    await page.getByText('Stopped without a winner: the link now sends everyone to EXP10, the first variant.').waitFor();
    await page.getByText('Stopped before enough data', { exact: true }).waitFor();
    await page.getByText('Stopped before the minimum sample, so no verdict: it needed 2,929 more visitors', { exact: false }).waitFor();
    await page.getByRole('row').filter({ hasText: 'EXP10' }).getByText('25.0%', { exact: true }).waitFor(); // figures kept
    await shots('05-stopped');
    for (let i = 0; i < 4; i++) {
      const h = await hit(exp.url);
      assert.equal(codeOf(h.location), 'EXP10');
      assert.equal(h.setCookie, '');
    }
    const codes = (await shopAPI(stack.appURL, '/codes?q=EXP')).data;
    assert.deepEqual(codes.map((c) => [c.code, c.active]).sort(), [['EXP10', true], ['EXP20', true]]);
    await page.goto(adminURL(stack.appURL, '/experiments'));
    await page.getByRole('row').filter({ hasText: 'Spring test' }).getByText('Stopped').waitFor();
    await shots('06-list');
  });
});
