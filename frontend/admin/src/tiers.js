// Commission tiers as the Commission page edits them, kept pure so they can
// be tested: the form from the API's program, the API body from the form,
// where an API error belongs, and the worked example of the crossing bonus.
import { exponent, formatMoney, majorText, parseMoney, parsePercent, percentText } from './money.js';
import { mulDiv } from './commissionRules.js';

export const METRICS = [
  { label: 'Sales (order subtotals, less refunds)', value: 'sales' },
  { label: 'Orders (less those refunded in full)', value: 'orders' },
];

export const PERIODS = [
  { label: 'Each calendar month', value: 'month' },
  { label: 'Each calendar quarter', value: 'quarter' },
  { label: 'Lifetime (never starts again)', value: 'lifetime' },
];

/** "this month", "this quarter", "so far". */
export function periodWords(period) {
  return { month: 'this month', quarter: 'this quarter', lifetime: 'so far' }[period] || 'this month';
}

/** A fresh tier row. */
export function newTier(key, name = '', threshold = '', kind = 'percent', rate = '') {
  return { key, name, threshold, kind, rate };
}

/** The form of the API's tier program. */
export function tierForm(p, currency) {
  const metric = p && p.metric ? p.metric : 'sales';
  const tiers = ((p && p.tiers) || []).map((t, i) => newTier(i + 1, t.name,
    metric === 'sales' ? majorText(t.threshold, currency) : String(t.threshold),
    t.kind, t.kind === 'flat' ? majorText(t.flat_amount, t.currency || currency) : percentText(t.basis_points)));
  return { on: !!(p && p.metric), metric, period: (p && p.period) || 'month', bonus: !!(p && p.bonus), tiers, next: tiers.length + 1 };
}

/**
 * The API body of the form, and the errors found before sending it:
 * {body, errors: {index: {field: message}}} (fields name, threshold, rate).
 */
export function tierBody(f, currency) {
  const errors = {};
  const fail = (i, field, msg) => { errors[i] = { ...(errors[i] || {}), [field]: msg }; };
  const tiers = f.tiers.map((t, i) => {
    const out = { name: t.name.trim(), threshold: 0, kind: t.kind, basis_points: 0, flat_amount: 0, currency: '' };
    if (f.metric === 'sales') {
      const v = parseMoney(t.threshold, currency);
      if (v === null || v <= 0) fail(i, 'threshold', `Sales in ${currency} above 0, like 1000`);
      else out.threshold = v;
    } else if (!/^\d{1,9}$/.test(String(t.threshold).trim()) || Number(t.threshold) <= 0) {
      fail(i, 'threshold', 'A number of orders, like 10');
    } else {
      out.threshold = Number(t.threshold);
    }
    if (t.kind === 'percent') {
      const bp = parsePercent(t.rate);
      if (bp === null) fail(i, 'rate', 'A percent from 0 to 100, like 15');
      else out.basis_points = bp;
    } else {
      const amount = parseMoney(t.rate, currency);
      if (amount === null || amount <= 0) fail(i, 'rate', `An amount in ${currency}, like 5.00`);
      else Object.assign(out, { flat_amount: amount, currency });
    }
    return out;
  });
  return { body: { metric: f.on ? f.metric : '', period: f.period, bonus: f.bonus, tiers }, errors };
}

const TIER_FIELDS = { name: 'name', threshold: 'threshold', kind: 'rate', basis_points: 'rate', flat_amount: 'rate', currency: 'rate' };

/**
 * Where an API field error belongs: {index, field} for a tier's field (the
 * tier the message names last, else the first tier with that field empty
 * or, failing that, the first), {field} for metric, period or tiers, or
 * null for a banner.
 */
export function tierErrorAt(error, tiers) {
  const field = error && error.body && error.body.field;
  if (!field) return null;
  if (['metric', 'period', 'tiers'].includes(field)) return { field };
  if (!TIER_FIELDS[field] || tiers.length === 0) return null;
  const msg = String(error.message || '');
  let index = -1;
  let at = -1;
  tiers.forEach((t, i) => {
    const name = t.name.trim();
    if (!name) return;
    const pos = msg.lastIndexOf(name);
    if (pos > at) { at = pos; index = i; }
  });
  if (index < 0) index = Math.max(0, tiers.findIndex((t) => String(t[TIER_FIELDS[field]]).trim() === ''));
  return { index, field: TIER_FIELDS[field] };
}

/**
 * A worked example of the crossing bonus, in the shop's currency: a tier
 * "Silver" paying 5 points more than the default (10% when the default
 * pays a flat amount) from 1,000 of sales or 10 orders; an affiliate one
 * order short of it crosses it.
 */
export function bonusExample(defaultRule, metric, period, currency) {
  const m = (n) => formatMoney(n, currency);
  const pct = (bp) => `${percentText(bp)}%`;
  const oldBP = defaultRule && defaultRule.kind === 'percent' ? Math.min(defaultRule.basis_points, 9500) : 1000;
  const newBP = oldBP + 500;
  const unit = 10 ** exponent(currency);
  const before = 900 * unit;
  const order = 200 * unit;
  const total = before + order;
  const orders = metric === 'orders';
  const reach = orders ? '10 orders' : m(1000 * unit);
  const had = orders ? `9 orders worth ${m(before)}` : `${m(before)} of sales`;
  return `Example: Silver pays ${pct(newBP)} from ${reach} instead of ${pct(oldBP)}. An affiliate with ${had} ${periodWords(period)} `
    + `brings an order of ${m(order)} and reaches Silver. That order earns ${pct(oldBP)} (${m(mulDiv(order, oldBP, 10000))}) and their `
    + `next orders ${pct(newBP)}. With the bonus they also get ${pct(newBP - oldBP)} of ${m(total)} = ${m(mulDiv(total, newBP - oldBP, 10000))}, `
    + `so the period's sales, that order included, are paid at ${pct(newBP)}.`;
}
