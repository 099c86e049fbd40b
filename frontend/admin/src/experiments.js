// Words and figures of the discount experiments' pages, kept pure so
// they can be tested without a browser.
import { formatMoney } from './money.js';

/** A rate as a percentage with one decimal: 0.2 → "20.0%". */
export function pctText(rate) {
  return `${(Number(rate || 0) * 100).toFixed(1)}%`;
}

/** A variant's conversion rate and its 95% interval, or a dash without visitors. */
export function rateWithInterval(v) {
  if (!v.visitors) return { rate: '—', interval: 'no visitors yet' };
  return { rate: pctText(v.conversion_rate), interval: `95%: ${pctText(v.interval.low)} – ${pctText(v.interval.high)}` };
}

/** Net revenue per visitor (minor units, fractional) as money, rounded to the cent. */
export function perVisitorText(v, currency) {
  if (!v.visitors) return '—';
  return formatMoney(Math.round(v.net_revenue_per_visitor), currency);
}

/** The verdict's title and banner tone. */
export function verdictTitle(r) {
  switch (r.verdict) {
    case 'winner':
      return { title: `Winner: ${r.variants[r.winner].code}`, tone: 'success' };
    case 'no_winner':
      return { title: 'No difference', tone: 'info' };
    case 'cannot_judge':
      return { title: 'No test possible', tone: 'warning' };
    default:
      return { title: r.experiment && r.experiment.status === 'stopped' ? 'Stopped before enough data' : 'Not enough data yet', tone: 'info' };
  }
}

/** Where a stopped experiment's link sends everyone, in words. */
export function stoppedSentence(e) {
  const v = (e.variants || [])[e.final_position];
  if (!v) return '';
  return e.final_winner
    ? `Stopped: the link now sends everyone to ${v.code}, the winner.`
    : `Stopped without a winner: the link now sends everyone to ${v.code}, the first variant.`;
}

/** The variants' codes in a list row: "TEN vs TWENTY". */
export function variantsText(e) {
  return (e.variants || []).map((v) => v.code).join(' vs ');
}

/** Toggles id in the picked list, keeping at most max. */
export function togglePick(picked, id, max = 4) {
  if (picked.includes(id)) return picked.filter((p) => p !== id);
  return picked.length >= max ? picked : [...picked, id];
}
