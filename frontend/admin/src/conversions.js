// The Conversions page's pure parts: date presets, filter parameters,
// signed money input and failed deliveries said in words.
import { parseMoney } from './money.js';
import { PRESETS, presetRange as rangeOfPreset } from './range.js';

// The filter's names for the dashboard's presets (range.js), in order; the
// filter has no 90 days.
const PRESET_OF = { last7: '7d', last30: '30d', thisMonth: 'month', lastMonth: 'lastmonth', custom: 'custom' };

/** The date presets of the filter, in order, labelled as on the dashboard. */
export const DATE_PRESETS = Object.entries(PRESET_OF).map(([value, preset]) => (
  { value, label: PRESETS.find((p) => p.value === preset).label }
));

/** The {from, to} days (YYYY-MM-DD, both included, UTC) of a preset on the day now. */
export function presetRange(preset, now = new Date()) {
  return PRESET_OF[preset] ? rangeOfPreset(PRESET_OF[preset], now.toISOString().slice(0, 10)) : null;
}

/** The status filter's choices. */
export const STATUS_CHOICES = [
  { value: 'pending', label: 'Pending' },
  { value: 'approved', label: 'Approved' },
  { value: 'paid', label: 'Paid' },
  { value: 'reversed', label: 'Reversed (fully refunded)' },
  { value: 'refunded', label: 'Refunded (in part or in full)' },
  { value: 'flagged', label: 'Flagged self-referral' },
  { value: 'unattributed', label: 'No affiliate' },
  { value: 'manual', label: 'Added by hand' },
  { value: 'adjustment', label: 'Adjustment' },
];

/** The filters as query parameters of GET /api/v1/conversions (and its CSV). */
export function conversionParams(f) {
  const p = new URLSearchParams();
  if (f.q && f.q.trim()) p.set('q', f.q.trim());
  if (f.statuses && f.statuses.length) p.set('status', f.statuses.join(','));
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  return p;
}

/** Reads "-12.50" or "12.5" as signed minor units; null if not money or zero. */
export function parseSignedMoney(text, currency) {
  const t = String(text).trim();
  const neg = t.startsWith('-');
  const v = parseMoney(neg ? t.slice(1) : t.replace(/^\+/, ''), currency);
  if (v === null || v === 0) return null;
  return neg ? -v : v;
}

/** Why a delivery failed: {words} for the merchant, {detail} the worker's error. */
export function failedReason(error) {
  const raw = String(error || '').replace(/^jobs: event \d+ \([^)]*\): /, '').replace(/ \(task should not be retried\)$/, '');
  const rules = [
    [/currency .* is not an ISO 4217/i, 'The order’s currency is not one Codecredit knows.'],
    [/refund in [A-Z]{3} but order .* is in [A-Z]{3}/i, 'The refund is in another currency than its order.'],
    [/^parse:|payload|malformed|unexpected end of JSON|invalid character/i, 'The platform sent data Codecredit could not read.'],
    [/no parser for platform/i, 'Codecredit cannot read deliveries from this platform.'],
    [/connection|token|401|403|unauthori[sz]ed/i, 'Codecredit could not reach the store: reconnect it, then retry.'],
    [/timeout|deadline exceeded|context canceled/i, 'The store took too long to answer.'],
  ];
  for (const [re, words] of rules) if (re.test(raw)) return { words, detail: raw };
  return { words: raw ? 'Codecredit could not book it.' : 'Unknown error.', detail: raw };
}
