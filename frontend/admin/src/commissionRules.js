// The Commission page's arithmetic and wording, kept pure so it can be
// tested: worked examples of the commission base, the body of a rule and
// of a preview from what the merchant typed, and how a rule is named.
import { exponent, formatMoney, majorText, parseMoney, parsePercent, percentText } from './money.js';

/** Scopes a rule can target, in the order the API lists them. */
export const SCOPES = [
  { value: 'code', label: 'Code', noun: 'code' },
  { value: 'variant', label: 'Variant', noun: 'variant' },
  { value: 'product', label: 'Product', noun: 'product' },
  { value: 'collection', label: 'Collection', noun: 'collection' },
];

/** What a rule targets, in words: "Product", "Code". */
export function scopeLabel(scope) {
  const s = SCOPES.find((x) => x.value === scope);
  return s ? s.label : scope;
}

/** The kinds a rule of scope may have: a code cannot be excluded; a flat rule pays per unit or per order. */
export function kindOptions(scope) {
  const out = [{ label: 'Percent', value: 'percent' }, { label: scope === 'code' ? 'Amount per order' : 'Amount per unit', value: 'flat' }];
  if (scope !== 'code') out.push({ label: 'Nothing: exclude', value: 'exclude' });
  return out;
}

/** a×num/den rounded half to even, as the server rounds a commission (a, num ≥ 0, den > 0). */
export function mulDiv(a, num, den) {
  const p = BigInt(a) * BigInt(num);
  const d = BigInt(den);
  let q = p / d;
  const rem = p % d;
  if (rem * 2n > d || (rem * 2n === d && q % 2n === 1n)) q += 1n;
  return Number(q);
}

/** Whole units of currency as minor units: (100, USD) → 10000. */
function units(n, currency) {
  return n * 10 ** exponent(currency);
}

/**
 * Worked examples of the commission base for an order of 100 with 10 off,
 * 8 tax and 5 shipping, at the default rule's percent (10% when the
 * default pays a flat amount). Returns {intro, base, shipping, tax,
 * beforeDiscount, current}: a sentence for each option on its own and one
 * for the options chosen now.
 */
export function baseExamples(defaultRule, currency, chosen) {
  const bp = defaultRule && defaultRule.kind === 'percent' ? defaultRule.basis_points : 1000;
  const m = (n) => formatMoney(n, currency);
  const goods = units(100, currency);
  const off = units(10, currency);
  const tax = units(8, currency);
  const ship = units(5, currency);
  const pct = `${percentText(bp)}%`;
  const earns = (base) => `${pct} of ${m(base)} = ${m(mulDiv(base, bp, 10000))}`;
  const plain = goods - off;
  const base = (c) => plain + (c.shipping ? ship : 0) + (c.tax ? tax : 0) + (c.before_discount ? off : 0);
  return {
    intro: `An order of ${m(goods)} with ${m(off)} off, ${m(tax)} tax and ${m(ship)} shipping earns ${earns(plain)} with none of these`
      + (defaultRule && defaultRule.kind !== 'percent' ? ' (at 10%: your default pays a flat amount per order, whatever the base)' : '') + '.',
    shipping: `With shipping: ${earns(plain + ship)}.`,
    tax: `With tax: ${earns(plain + tax)}.`,
    beforeDiscount: `Before discounts: ${earns(goods)}.`,
    current: `With your choices: ${earns(base(chosen || {}))}.`,
  };
}

/** The precedence of rules, one short sentence each, ending with the program default in words. */
export function precedence(defaultRule, currency) {
  let def = 'your program default';
  if (defaultRule) def += ` (${ruleTerms(defaultRule, currency)})`;
  return [
    'An excluded product earns nothing, whatever else applies.',
    'An order paid with a code that has a rule earns that code’s rate on all its lines but the excluded ones.',
    'Otherwise a product rule decides its lines: a variant’s rule first, then its product’s, then its collection’s.',
    'Otherwise the affiliate’s own rate, when you set one on their page.',
    'Otherwise the rate of the highest tier the affiliate has reached, when you use tiers.',
    `Otherwise ${def}.`,
  ];
}

/** A rule's form, for a new rule (null) or to edit one. */
export function ruleForm(rule, currency) {
  if (!rule) return { scope: 'product', target: '', label: '', connection: '0', kind: 'percent', rate: '' };
  const rate = rule.kind === 'percent' ? percentText(rule.basis_points)
    : rule.kind === 'flat' ? majorText(rule.flat_amount, rule.currency || currency) : '';
  return { scope: rule.scope, target: rule.target, label: rule.label, connection: String(rule.connection_id || 0), kind: rule.kind, rate };
}

/**
 * The API body of a rule form, and the error of its rate field ('' when
 * valid): a percent from 0 to 100, or an amount in the shop's currency.
 */
export function ruleBody(f, currency) {
  const body = { scope: f.scope, connection_id: f.scope === 'code' ? 0 : Number(f.connection) || 0, target: f.target.trim(),
    label: f.scope === 'code' ? '' : f.label.trim(), kind: f.kind, basis_points: 0, flat_amount: 0, currency: '' };
  let rateError = '';
  if (f.kind === 'percent') {
    const bp = parsePercent(f.rate);
    if (bp === null) rateError = 'Enter a percent from 0 to 100, like 12.5';
    else body.basis_points = bp;
  } else if (f.kind === 'flat') {
    const amount = parseMoney(f.rate, currency);
    if (amount === null || amount <= 0) rateError = `Enter an amount in ${currency}, like 2.50`;
    else Object.assign(body, { flat_amount: amount, currency });
  }
  return { body, rateError };
}

/** The form field an API error on a rule names (the rate for any amount). */
export function ruleErrorField(field) {
  return { basis_points: 'rate', flat_amount: 'rate', currency: 'rate', connection_id: 'connection' }[field] || field;
}

/** A fresh preview line. */
export function newLine(n, title = '', productID = '', quantity = '1', price = '') {
  return { key: n, title, product: productID, quantity, price, discount: '', tax: '' };
}

/**
 * The API body of a preview from its form, or {error} naming the first
 * line or field that is not a number.
 */
export function previewBody(f, currency) {
  const money = (text) => (String(text).trim() === '' ? 0 : parseMoney(text, currency));
  const lines = [];
  for (const [i, l] of f.lines.entries()) {
    const n = i + 1;
    const q = String(l.quantity).trim();
    if (!/^\d{1,6}$/.test(q)) return { error: `Line ${n}: the quantity is a whole number, like 2` };
    const price = money(l.price);
    const discount = money(l.discount);
    const tax = money(l.tax);
    if (price === null || discount === null || tax === null) return { error: `Line ${n}: amounts are numbers like 12.50` };
    if (discount > price * Number(q)) return { error: `Line ${n}: the discount is more than the line` };
    lines.push({ id: String(n), product_id: l.product.trim(), title: l.title.trim() || `Line ${n}`, quantity: Number(q), unit_price: price, discount, tax });
  }
  const shipping = money(f.shipping);
  if (shipping === null) return { error: 'Shipping is an amount like 5.00' };
  const tax = lines.reduce((s, l) => s + l.tax, 0);
  return {
    body: { affiliate_id: Number(f.affiliate) || 0, code_id: Number(f.code) || 0, connection_id: Number(f.connection) || 0, currency,
      lines, shipping, tax, taxes_included: !!f.taxesIncluded, repeat_customer: !!f.repeat },
  };
}

/** A rule's repeat-customer rate as the merchant types it: '' when repeat orders earn the same as a first. */
export function repeatText(rule, currency) {
  if (!rule) return '';
  if (rule.kind === 'percent') return rule.repeat_basis_points == null ? '' : percentText(rule.repeat_basis_points);
  return rule.repeat_flat_amount == null ? '' : majorText(rule.repeat_flat_amount, rule.currency || currency);
}

/**
 * The repeat fields of a rule of kind from what was typed:
 * {fields: {repeat_basis_points, repeat_flat_amount}, error} ('' when
 * valid; empty text is null, the first order's rate).
 */
export function repeatFields(kind, text, currency) {
  const fields = { repeat_basis_points: null, repeat_flat_amount: null };
  if (String(text).trim() === '') return { fields, error: '' };
  if (kind === 'percent') {
    const bp = parsePercent(text);
    if (bp === null) return { fields, error: 'A percent from 0 to 100, or empty for the first order’s rate' };
    return { fields: { ...fields, repeat_basis_points: bp }, error: '' };
  }
  const amount = parseMoney(text, currency);
  if (amount === null) return { fields, error: `An amount in ${currency} like 2.50, or empty for the first order’s rate` };
  return { fields: { ...fields, repeat_flat_amount: amount }, error: '' };
}

/** What a rule pays a first and a repeat order, in words: "10%; repeat customers 5%". */
export function ruleTerms(rule, currency) {
  if (!rule) return '';
  const cur = rule.currency || currency;
  if (rule.kind === 'percent') {
    const first = `${percentText(rule.basis_points)}%`;
    return rule.repeat_basis_points == null ? first : `${first}; repeat customers ${percentText(rule.repeat_basis_points)}%`;
  }
  const first = `${formatMoney(rule.flat_amount, cur)} per order`;
  return rule.repeat_flat_amount == null ? first : `${first}; repeat customers ${formatMoney(rule.repeat_flat_amount, cur)} per order`;
}
