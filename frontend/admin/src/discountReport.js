// The discount report's rows, from GET /reports/discounts: what each
// discount level and each code brought over the range.
import { discountLabel, formatMoney } from './money.js';

/** The discount a report row gives, in words; a removed code has none. */
export function rowDiscount(r) {
  if (!r.discount_type) return 'Code removed';
  return discountLabel({ discount_type: r.discount_type, discount_value: r.discount_value, currency: r.discount_currency });
}

/** Whether any row has visits, so a conversion rate column is shown. */
export function hasVisits(report) {
  return [...report.levels, ...report.codes].some((r) => r.visits != null);
}

/** A conversion rate as a percentage, or a dash without visits. */
export function rateText(r) {
  return r.conversion_rate == null ? '–' : `${(r.conversion_rate * 100).toFixed(1)}%`;
}

/** Table cells for the levels (by discount) or the codes (by code). */
export function reportTable(report, kind) {
  const cur = report.currency;
  const visits = hasVisits(report);
  const headings = kind === 'codes' ? ['Code', 'Affiliate', 'Discount'] : ['Discount', 'Codes'];
  const figures = ['Orders', 'Sales', 'Average order', 'Commission'];
  const rows = (kind === 'codes' ? report.codes : report.levels).map((r) => {
    const lead = kind === 'codes'
      ? [r.code || 'Removed code', r.affiliate || '–', rowDiscount(r)]
      : [rowDiscount(r), r.codes];
    const cells = [r.orders, formatMoney(r.sales, cur), formatMoney(r.average, cur), formatMoney(r.commission, cur)];
    return visits ? [...lead, r.visits ?? 0, rateText(r), ...cells] : [...lead, ...cells];
  });
  const all = [...headings, ...(visits ? ['Visits', 'Conversion rate'] : []), ...figures];
  const types = all.map((h, i) => (i < (kind === 'codes' ? 3 : 1) ? 'text' : 'numeric'));
  return { headings: all, rows, types };
}

/** What the report leaves out, in a sentence, or '' when nothing was. */
export function excludedNote(report) {
  const parts = [];
  if (report.refunded) parts.push(`${report.refunded} fully refunded or cancelled`);
  if (report.flagged) parts.push(`${report.flagged} flagged (the affiliate’s own purchase)`);
  const n = report.refunded + report.flagged;
  const what = parts.length ? `Not counted: ${parts.join(' and ')} ${n === 1 ? 'order' : 'orders'}.` : '';
  return what;
}
