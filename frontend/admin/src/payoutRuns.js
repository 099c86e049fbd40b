// Payout runs in words: item statuses, methods, and a run's totals.
import { formatMoney } from './money.js';

/** The order statuses are listed in, with their label and badge tone. */
export const STATUSES = [
  { value: 'paid', label: 'Paid', tone: 'success' },
  { value: 'queued', label: 'Queued', tone: undefined },
  { value: 'sending', label: 'Sending', tone: 'info' },
  { value: 'unclaimed', label: 'Unclaimed', tone: 'warning' },
  { value: 'failed', label: 'Failed', tone: 'critical' },
  { value: 'returned', label: 'Returned', tone: 'critical' },
];

/** One status's label and tone. */
export function statusInfo(status) {
  return STATUSES.find((s) => s.value === status) || { value: status, label: status, tone: undefined };
}

const methods = { paypal: 'PayPal', stripe_connect: 'Stripe Connect', store_credit: 'Store credit', manual: 'By hand', bank: 'By hand' };

/** A payout method in words ("PayPal"), or the run's own words. */
export function methodLabel(method) {
  return methods[method] || method || 'By hand';
}

/** "Paid 2 · $30.00, Failed 1 · $5.00", in STATUSES order, skipping empty ones. */
export function totalsText(totals, currency) {
  return STATUSES.filter((s) => totals && totals[s.value] && totals[s.value].count > 0)
    .map((s) => `${s.label} ${totals[s.value].count} · ${formatMoney(totals[s.value].amount, currency)}`).join(', ');
}

/** Whether a run still has items the platform has not settled. */
export function inFlight(totals) {
  return ['queued', 'sending'].some((s) => totals && totals[s] && totals[s].count > 0);
}

/** The items shown as the run's current state: the latest attempt of each. */
export function latestItems(items) {
  return (items || []).filter((it) => !it.retried_by);
}

/** The platform's reason split into words and codes: "Receiver's account is locked." and "FAILED · RECEIVER_ACCOUNT_LOCKED". */
export function reasonParts(it) {
  const r = it.reason || '';
  const m = r.match(/^([A-Z][A-Z0-9_]+): (.*)$/);
  return { words: m ? m[2] : r, code: [it.platform_status, m && m[1]].filter(Boolean).join(' · ') };
}

/**
 * Where a payout's money stands, with its date: "Paid Mar 2, 2026",
 * "Sending since Mar 1, 2026", "Failed Mar 2, 2026 · back in the balance".
 * A payout made by hand, or from before statuses were kept, is paid.
 */
export function payoutWhen(p, fmt) {
  const s = p.status || 'paid';
  const label = statusInfo(s).label;
  switch (s) {
    case 'paid': return `Paid ${fmt(p.settled_at || p.paid_at)}`;
    case 'queued': case 'sending': case 'unclaimed': return `${label} since ${fmt(p.paid_at)}`;
    default: return `${label} ${fmt(p.settled_at || p.paid_at)} · back in the balance`;
  }
}
