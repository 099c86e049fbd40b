// The admin's one way to the JSON API. Inside Shopify admin every call
// carries a fresh App Bridge session token; standalone, the merchant
// session cookie does, with a header that proves the call is ours.

const params = new URLSearchParams(window.location.search);
const shopParam = params.get('shop') || '';

/** The shop Shopify opened the app for, or '' outside Shopify. */
export const shop = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shopParam) ? shopParam : '';

/** Whether the app runs inside Shopify admin. */
export const embedded = shop !== '';

// Shopify puts a session token on the URL of the app's first load; App
// Bridge (window.shopify) hands out fresh ones after that.
const firstToken = params.get('id_token') || '';

/** A session token for the API, or '' when there is none. */
export async function sessionToken() {
  if (window.shopify && typeof window.shopify.idToken === 'function') {
    try {
      return await window.shopify.idToken();
    } catch {
      // fall back to the token Shopify put on the URL
    }
  }
  return firstToken;
}

/** An API error with the status and the server's message. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message || `request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

async function headers(json) {
  const h = { Accept: 'application/json', 'X-Requested-With': 'codecredit' };
  if (json) h['Content-Type'] = 'application/json';
  if (embedded) {
    const token = await sessionToken();
    if (token) h.Authorization = `Bearer ${token}`;
  }
  return h;
}

async function send(url, method, body) {
  return fetch(url, {
    method,
    headers: await headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
}

let installing = null;

// A shop whose token is valid but which has no connection yet installs
// through Shopify's token exchange, once, then the call is sent again.
async function install() {
  installing ||= send('/auth/shopify/session', 'POST').then((r) => r.ok);
  return installing;
}

/** Calls /api/v1 + path; returns the decoded JSON (null for no content). */
export async function api(path, { method = 'GET', body } = {}) {
  let res = await send(`/api/v1${path}`, method, body);
  if (res.status === 403 && embedded && (await install())) {
    res = await send(`/api/v1${path}`, method, body);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data && data.error, data);
  return data;
}

/** Fetches a file from the API (with the same credentials) and saves it. */
export async function download(path, filename) {
  const res = await send(`/api/v1${path}`, 'GET');
  if (!res.ok) throw new ApiError(res.status, 'download failed');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Asks for an emailed sign-in link. */
export async function requestLogin(email) {
  const res = await send('/admin/login', 'POST', { email });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data.error, data);
  return data;
}

/** Ends the merchant session. */
export async function logout() {
  await send('/admin/logout', 'POST');
}
