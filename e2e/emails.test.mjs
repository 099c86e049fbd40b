// The Emails page and the email settings in a real browser: with no mail
// server set up, an affiliate's codes email is held and shown; the
// merchant opens it as sent, resends it, copies a sign-in link that signs
// the affiliate in to the portal in another browser, edits a template with
// merge tags and a live preview, and brands the emails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOP, launchBrowser, mintToken, screenshots, shopAPI, startStack, stopStack, until, adminURL, launchEmbedded, shoot } from './harness.mjs';

let stack;
let browser;
let page;
let ann;

async function open(path) {
  await page.goto(adminURL(stack.appURL, path));
}

const shot = (name) => shoot(page, name);

/** Screenshots at desktop and phone sizes, then back to desktop. */
async function shotWide(name, ready) {
  for (const [w, h] of [[390, 844], [1440, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    if (ready) await ready();
    await shot(`${name}-${w}`);
  }
}

describe('emails', () => {
  before(async () => {
    stack = await startStack();
    ({ browser, page } = await launchEmbedded());
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appURL });
    await page.setViewportSize({ width: 1440, height: 900 });
    await open('/');
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await page.getByText('Connected:').waitFor();
  });

  after(async () => {
    await browser?.close();
    stopStack();
  });

  test('with no emails yet, the page says what sends one', async () => {
    await open('/emails');
    await page.getByText('No emails yet').waitFor();
    await page.getByText(/when you give them a code/).waitFor();
    await shotWide('emails-empty');
  });

  test('a held codes email is listed, opened as sent and resent', async () => {
    ann = await shopAPI(stack.appURL, '/affiliates', { method: 'POST', body: { name: 'Ann Lee', email: 'ann@example.com' } });
    await shopAPI(stack.appURL, '/codes', { method: 'POST', body: { code: 'ANNMAIL', discount_type: 'percentage', discount_value: 1500, affiliate_id: ann.id } });
    const held = await until('the codes email to be held', async () => (await shopAPI(stack.appURL, '/emails?status=held')).data[0]);
    assert.equal(held.to, 'ann@example.com');

    await open('/emails');
    await page.getByText('Held — no mail server set up').first().waitFor();
    await page.getByText(/1 email is held: no mail server is set up/).waitFor();
    await page.getByText(/Set SMTP_URL/).first().waitFor();
    await page.getByRole('cell', { name: /Ann Lee/ }).first().waitFor();
    await page.getByText('ann@example.com').first().waitFor();
    await page.getByText('Your codes for Demo: ANNMAIL').waitFor();
    await shotWide('emails-list', () => page.getByText('Your codes for Demo: ANNMAIL').waitFor());

    await page.getByText('Your codes for Demo: ANNMAIL').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Your codes for Demo: ANNMAIL' }).waitFor();
    const frame = page.frameLocator('iframe[title="The email as the affiliate sees it"]');
    await frame.getByText('ANNMAIL').first().waitFor();
    await frame.getByText('Hi Ann,').waitFor();
    assert.equal(await dialog.locator('iframe').getAttribute('sandbox'), '');
    await dialog.getByText(/ANNMAIL: 15% off/).waitFor(); // the plain-text version
    await dialog.locator('iframe').screenshot({ path: join(screenshots, 'emails-open-html.png') });
    await page.screenshot({ path: join(screenshots, 'emails-open-1440.png') });

    await dialog.getByRole('button', { name: 'Resend' }).click();
    await page.getByText('Email queued to be sent again').first().waitFor();
    await until('the resent email to be held again', async () => {
      const e = await shopAPI(stack.appURL, `/emails/${held.id}`);
      return e.status === 'held' && e.updated_at !== held.updated_at;
    });
  });

  test('a copied sign-in link signs the affiliate in to the portal in another browser', async () => {
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Copy sign-in link' }).click();
    await page.getByText(/Sign-in link copied: it works once, until/).first().waitFor();
    await dialog.getByText(/signs this affiliate in to their portal once, and expires at/).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /\/portal\/auth\?token=[\w-]+$/);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(screenshots, 'emails-open-390.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    const other = await launchBrowser();
    try {
      const affPage = await other.newPage();
      await affPage.goto(link);
      await affPage.getByRole('button', { name: 'Sign in' }).click();
      await affPage.waitForURL(`${stack.appURL}/portal/`);
      await affPage.getByText('ANNMAIL').first().waitFor();
      await affPage.goto(link);
      await affPage.getByText(/already used/).waitFor();
    } finally {
      await other.close();
    }
  });

  test('branding is checked field by field and shows in the template preview', async () => {
    await open('/settings');
    await page.getByLabel('Program name').fill('Ann Partners Club');
    await page.getByLabel('Logo URL').fill('http://insecure.example/logo.png');
    await page.getByLabel('Brand colour').fill('#008060');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText(/logo_url must be an https:\/\/ address/).waitFor();
    const saved = await shopAPI(stack.appURL, '/settings/emails');
    assert.equal(saved.program_name, '', 'a refused form saves nothing');
    await page.getByLabel('Logo URL').fill('');
    await page.getByLabel('Reply-to address').fill('partners@demo.example');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved').first().waitFor();
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByText('Ann Partners Club').first().waitFor();
    assert.ok(await preview.locator('div[style*="#008060"]').count() >= 1, 'the brand colour is in the preview');
  });

  test('a template is edited with merge tags and a live preview', async () => {
    const subject = page.getByLabel('Subject');
    const body = page.getByLabel('Body');
    assert.doesNotMatch(await body.inputValue(), /\{\{\./, 'no Go template syntax reaches the merchant');
    await body.fill('Hello {{nope}}\n\n{{codes}}');
    await page.getByText(/unknown merge tag \{\{nope\}\}; this email can use .*\{\{affiliate_first_name\}\}/).waitFor();
    await subject.fill('{{affiliate_first_name}}, your {{program_name}} codes');
    await body.fill('Hello {{affiliate_first_name}} <b>hi</b>\n\n{{codes}}\n\nYou earn {{commission}}.');
    await page.getByText('Jane, your Ann Partners Club codes').waitFor();
    const preview = page.frameLocator('iframe[title="Email preview"]');
    await preview.getByText('Hello Jane <b>hi</b>').waitFor(); // typed markup is shown as text
    await preview.getByText('JANE15').first().waitFor();
    await shotWide('emails-settings', () => page.getByText('Jane, your Ann Partners Club codes').waitFor());
    await page.locator('iframe[title="Email preview"]').screenshot({ path: join(screenshots, 'emails-template-preview.png') });
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('Template saved').first().waitFor();
    const tpl = await shopAPI(stack.appURL, '/settings/email-templates/code_assignment');
    assert.equal(tpl.subject, '{{affiliate_first_name}}, your {{program_name}} codes');
  });

  test('a changed commission offers updated emails, from the Emails page and the affiliate page', async () => {
    await shopAPI(stack.appURL, '/emails/outdated/send', { method: 'POST' }); // nothing outdated yet
    await shopAPI(stack.appURL, `/affiliates/${ann.id}/send-codes`, { method: 'POST' });
    await open(`/affiliates/${ann.id}`);
    await page.getByText('Emails and portal').waitFor();
    assert.equal(await page.getByText('Their last codes email states a commission that has changed').count(), 0);
    await page.getByLabel('Commission', { exact: true }).fill('25');
    await page.getByRole('button', { name: 'Save commission' }).click();
    await page.getByText('Their last codes email states a commission that has changed').waitFor();
    await page.getByText(/now “25% of each order/).waitFor();
    await shotWide('emails-affiliate', () => page.getByText('Emails and portal').waitFor());
    await page.getByRole('button', { name: 'See their emails' }).click();
    await page.waitForURL(/\/admin\/emails\?.*affiliate_id=/);
    await page.getByText('1 affiliate was emailed a commission that has changed').waitFor();
    await page.getByText('Ann, your Ann Partners Club codes').first().waitFor();
    await page.getByRole('button', { name: 'Send updated emails' }).click();
    await page.getByText('1 updated email queued').first().waitFor();
    await until('the banner to go', async () => (await page.getByText('emailed a commission that has changed').count()) === 0);
    const latest = (await shopAPI(stack.appURL, `/emails?affiliate_id=${ann.id}`)).data[0];
    assert.match(latest.text, /You earn 25% of each order/);
    await open('/');
    await page.getByRole('button', { name: 'See the emails' }).click();
    await page.getByRole('heading', { name: 'Emails', exact: true }).waitFor();
  });
});
