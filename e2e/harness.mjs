// Starts what the browser tests drive: the local Shopify sandbox and the
// Codecredit server on the embedded defaults, each on a free port, and
// Debian's Chromium through playwright-core (no browser download).
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const artifacts = process.env.ARTIFACTS_DIR || join(repo, 'e2e', 'artifacts');
export const screenshots = join(artifacts, 'screenshots');
export const API_KEY = 'test-shopify-api-key';
export const API_SECRET = 'test-shopify-api-secret';
export const SHOP = 'demo.myshopify.com';

const children = [];

/** A port nothing listens on now. */
export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** The binary at env[name], or one built now from pkg. */
function binary(name, pkg, out) {
  if (process.env[name]) return process.env[name];
  execFileSync('go', ['build', '-o', out, pkg], { cwd: repo, stdio: 'inherit' });
  return out;
}

/** Starts a child whose output goes to artifacts/logName; resolves with its first stdout line. */
function start(bin, args, env, logName) {
  const log = createWriteStream(join(artifacts, logName));
  const child = spawn(bin, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr.pipe(log);
  return new Promise((ok, fail) => {
    let first = '';
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      if (!first) {
        first = String(chunk).split('\n')[0].trim();
        ok(first);
      }
    });
    child.once('exit', (code) => fail(new Error(`${bin} exited with ${code}; see ${join(artifacts, logName)}`)));
  });
}

/** Polls fn until it returns a truthy value, for at most ms. */
export async function until(what, fn, ms = 20000, every = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Signs a session token as Shopify does (HS256, aud = API key, dest = the shop). */
export function mintToken({ shop = SHOP, secret = API_SECRET, aud = API_KEY, ttl = 60, skew = 0 } = {}) {
  const now = Math.floor(Date.now() / 1000) + skew;
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = part({ alg: 'HS256', typ: 'JWT' });
  const body = part({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud, sub: '1', exp: now + ttl, nbf: now, iat: now, jti: randomUUID(), sid: randomUUID() });
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Starts the sandbox and the server; returns their URLs and a stop function. */
export async function startStack() {
  mkdirSync(screenshots, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'codecredit-e2e-'));
  const serverBin = binary('CC_SERVER_BIN', './server', join(work, 'server'));
  const sandboxBin = binary('CC_SANDBOX_BIN', './e2e/shopify-sandbox', join(work, 'shopify-sandbox'));
  const port = await freePort();
  const appURL = `http://127.0.0.1:${port}`;
  const sandboxURL = await start(sandboxBin, ['-api-key', API_KEY, '-api-secret', API_SECRET, '-app-url', appURL, '-shops', SHOP, '-codes', '40'], {}, 'sandbox.log');
  start(serverBin, [], {
    PORT: String(port), APP_URL: appURL, DATA_DIR: join(work, 'data'), DATABASE_URL: '', REDIS_URL: '',
    SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, SHOPIFY_BASE_URL: sandboxURL, LOG_FORMAT: 'json',
  }, 'server.log').catch(() => {});
  await until('the server to answer /healthz', async () => (await fetch(`${appURL}/healthz`)).ok, 60000);
  return { appURL, sandboxURL };
}

/** Stops every process started here. */
export function stopStack() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}

/** Launches Debian's Chromium with a fresh profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'codecredit-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The `host` query Shopify's admin gives an app it embeds, for SHOP. */
export const HOST = Buffer.from(`admin.shopify.com/store/${SHOP.split('.')[0]}`).toString('base64url');

/** The admin's path as Shopify's admin opens it in its frame (shop, host, embedded=1). */
export function adminURL(appURL, path) {
  return `${appURL}/admin${path}${path.includes('?') ? '&' : '?'}shop=${SHOP}&host=${HOST}&embedded=1`;
}

// App Bridge comes from Shopify's CDN, which this machine cannot reach: the
// tests serve a stand-in whose idToken() hands out tokens signed like
// Shopify's, so the app runs its real App Bridge code path.
const appBridgeStub = 'window.shopify = { idToken: () => window.__codecreditTestToken() };';

/** Chromium as inside Shopify's admin (App Bridge answered locally); returns it and a first page. */
export async function launchEmbedded() {
  const browser = await launchBrowser();
  await browser.exposeFunction('__codecreditTestToken', () => mintToken());
  await browser.route('https://cdn.shopify.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: appBridgeStub }));
  const page = await browser.newPage();
  page.setDefaultTimeout(20000);
  return { browser, page };
}

/** JSON API call as the shop, with a fresh session token. */
export async function shopAPI(appURL, path, { method = 'GET', body, token } = {}) {
  const res = await fetch(`${appURL}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token || mintToken()}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** Control call to the Shopify sandbox. */
export async function sandbox(sandboxURL, path, body) {
  const res = await fetch(`${sandboxURL}/_sandbox${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** Waits until the push job has created these codes on the store, so its checkout takes them. */
export async function untilOnStore(appURL, names) {
  await until(`${names.join(', ')} created on the store`, async () => {
    const codes = (await shopAPI(appURL, '/codes?per_page=100')).data.filter((c) => names.includes(c.code));
    return codes.length === names.length && codes.every((c) => c.sync_status === 'synced');
  }, 30000, 300);
}

/** A full-page screenshot of page, from the top, as screenshots/<name>.png. */
export async function shoot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Full-page screenshots at 1440×900 and 390×844 (<name>-1440.png, <name>-390.png); the page is left at 1280×900. */
export async function shootBothWidths(page, name) {
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await shoot(page, `${name}-${w}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
