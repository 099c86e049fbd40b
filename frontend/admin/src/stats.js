// Numbers the dashboard shows, from the API's answers.
import { discountLabel } from './money.js';

/**
 * Labels the rows of /summary/discounts (orders, revenue and average order
 * per discount level and currency, computed by the server over every
 * attributed conversion in the window, best converting first). A row
 * without a discount type is a code that was removed.
 */
export function discountRows(rows) {
  return rows.map((r) => ({
    label: r.discount_type
      ? discountLabel({ discount_type: r.discount_type, discount_value: r.discount_value, currency: r.discount_currency })
      : 'Code removed',
    currency: r.currency,
    orders: r.orders,
    revenue: r.revenue,
    average: r.average,
  }));
}

/** Top affiliates by commission earned (pending + approved + paid) in one currency. */
export function topAffiliates(balances, currency, limit = 5) {
  const sums = new Map();
  for (const b of balances) {
    if (b.currency !== currency) continue;
    const row = sums.get(b.affiliate_id) || { affiliate_id: b.affiliate_id, name: b.affiliate_name || '', earned: 0 };
    row.earned += b.pending + b.approved + b.paid;
    sums.set(b.affiliate_id, row);
  }
  return [...sums.values()]
    .sort((a, b) => b.earned - a.earned)
    .slice(0, limit);
}
