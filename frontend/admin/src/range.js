// The dashboard's date range: presets, the URL query that keeps it across
// reloads, and the checks the server makes too (from ≤ to, two years at most).

/** The presets, in the order the picker shows them. */
export const PRESETS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'month', label: 'This month' },
  { value: 'lastmonth', label: 'Last month' },
  { value: 'custom', label: 'Custom range' },
];

/** The longest range the server accepts, in days (both ends included). */
export const MAX_DAYS = 731;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function iso(d) {
  return d.toISOString().slice(0, 10);
}

function utcDay(s) {
  return new Date(`${s}T00:00:00Z`);
}

/** The days of a preset ending today ("YYYY-MM-DD", UTC); null for custom. */
export function presetRange(preset, today) {
  const t = utcDay(today);
  const back = (n) => { const d = new Date(t); d.setUTCDate(d.getUTCDate() - n); return iso(d); };
  switch (preset) {
    case '7d': return { from: back(6), to: today };
    case '30d': return { from: back(29), to: today };
    case '90d': return { from: back(89), to: today };
    case 'month': return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastmonth': {
      const end = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 0));
      return { from: `${iso(end).slice(0, 8)}01`, to: iso(end) };
    }
    default: return null;
  }
}

/** What is wrong with a custom range, or '' when the server will take it. */
export function rangeError(from, to) {
  if (!DAY.test(from || '') || Number.isNaN(utcDay(from).getTime())) return 'Choose a start date';
  if (!DAY.test(to || '') || Number.isNaN(utcDay(to).getTime())) return 'Choose an end date';
  if (from > to) return 'The start date is after the end date';
  if ((utcDay(to) - utcDay(from)) / 86400000 + 1 > MAX_DAYS) return 'A range is at most two years';
  return '';
}

/**
 * The URL query of a range kept as ?<param>=preset (and &from=&to= for a
 * custom one), for pages whose ranges differ in unit: {read(search, today)
 * → {preset, from, to}, write(search, r) → "?…"}. A missing or bad range
 * reads as fallback; write keeps the page's other parameters (shop, host…).
 */
export function rangeQuery({ param, presets, presetFor, errorOf, fallback }) {
  const read = (search, today) => {
    const q = new URLSearchParams(search);
    const preset = presets.some((p) => p.value === q.get(param)) ? q.get(param) : fallback;
    if (preset === 'custom') {
      const from = q.get('from') || '';
      const to = q.get('to') || '';
      if (!errorOf(from, to)) return { preset, from, to };
      return { preset: fallback, ...presetFor(fallback, today) };
    }
    return { preset, ...presetFor(preset, today) };
  };
  const write = (search, r) => {
    const q = new URLSearchParams(search);
    q.set(param, r.preset);
    if (r.preset === 'custom') {
      q.set('from', r.from);
      q.set('to', r.to);
    } else {
      q.delete('from');
      q.delete('to');
    }
    return `?${q.toString()}`;
  };
  return { read, write };
}

const days = rangeQuery({ param: 'range', presets: PRESETS, presetFor: presetRange, errorOf: rangeError, fallback: '30d' });

/** Reads ?range=&from=&to= into {preset, from, to}; the default is the last 30 days. */
export const readRange = days.read;

/** The query for a range, keeping the page's other parameters (shop, host…). */
export const writeRange = days.write;
