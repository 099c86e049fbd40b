// The subscriptions report's month range: presets, the URL query that
// keeps it across reloads, and the checks the server makes too (first ≤
// last, 36 months at most).
import { rangeQuery } from './range.js';

/** The presets, in the order the picker shows them. */
export const MONTH_PRESETS = [
  { value: '6m', label: 'Last 6 months' },
  { value: '12m', label: 'Last 12 months' },
  { value: '24m', label: 'Last 24 months' },
  { value: 'year', label: 'This year' },
  { value: 'custom', label: 'Custom months' },
];

/** The longest range, in months, as the server takes it. */
export const MAX_MONTHS = 36;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Months from a "YYYY-MM" to another, both included. */
export function monthsBetween(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (out.length > 1200) break;
  }
  return out;
}

/** The month n months before "YYYY-MM" (n may be negative). */
export function monthsBefore(month, n) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}

/** The months of a preset ending this month (today is "YYYY-MM-DD", UTC). */
export function presetMonths(preset, today) {
  const now = today.slice(0, 7);
  switch (preset) {
    case '6m': return { from: monthsBefore(now, 5), to: now };
    case '12m': return { from: monthsBefore(now, 11), to: now };
    case '24m': return { from: monthsBefore(now, 23), to: now };
    case 'year': return { from: `${now.slice(0, 4)}-01`, to: now };
    default: return null;
  }
}

/** What is wrong with a custom range of months, or ''. */
export function monthRangeError(from, to) {
  if (!MONTH.test(from || '')) return 'Choose a first month';
  if (!MONTH.test(to || '')) return 'Choose a last month';
  if (from > to) return 'The first month is after the last';
  if (monthsBetween(from, to).length > MAX_MONTHS) return `A range is at most ${MAX_MONTHS} months`;
  return '';
}

const months = rangeQuery({ param: 'months', presets: MONTH_PRESETS, presetFor: presetMonths, errorOf: monthRangeError, fallback: '12m' });

/** Reads ?months=&from=&to= into {preset, from, to}; the default is the last 12 months. */
export const readMonths = months.read;

/** The query for a range of months, keeping the page's other parameters. */
export const writeMonths = months.write;
