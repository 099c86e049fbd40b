// Numbers the dashboard derives from the API's lists.
import { discountLabel } from './money.js';

/**
 * Orders and revenue per discount level, best converting first: each
 * attributed conversion counts under the discount of its code. Revenue is
 * the subtotal less refunds, in the conversion's currency.
 */
export function compareDiscounts(conversions, codes) {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const rows = new Map();
  for (const conv of conversions) {
    if (conv.status === 'unattributed') continue;
    const code = byId.get(conv.code_id);
    const label = code ? discountLabel(code) : 'Code no longer listed';
    const key = `${label}|${conv.currency}`;
    const row = rows.get(key) || { label, currency: conv.currency, orders: 0, revenue: 0, sort: sortKey(code) };
    row.orders += 1;
    row.revenue += (conv.subtotal || 0) - (conv.refunded_subtotal || 0);
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, average: r.orders ? Math.round(r.revenue / r.orders) : 0 }))
    .sort((a, b) => b.orders - a.orders || b.revenue - a.revenue || a.sort - b.sort);
}

function sortKey(code) {
  return code && code.discount_type === 'percentage' ? code.discount_value : 1e9;
}

/** Top affiliates by commission earned (pending + approved + paid) in one currency. */
export function topAffiliates(balances, currency, limit = 5) {
  const sums = new Map();
  for (const b of balances) {
    if (b.currency !== currency) continue;
    sums.set(b.affiliate_id, (sums.get(b.affiliate_id) || 0) + b.pending + b.approved + b.paid);
  }
  return [...sums.entries()]
    .map(([affiliate_id, earned]) => ({ affiliate_id, earned }))
    .sort((a, b) => b.earned - a.earned)
    .slice(0, limit);
}
