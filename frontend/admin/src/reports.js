// Numbers the subscriptions report shows, from the API's answers: the
// months of movements with their stacks, the cohort heat map's colours
// and the tables' sorting. Money stays in integer minor units.
import { monthsBetween } from './months.js';

/** Movements that add recurring revenue, drawn up, in stacking order. */
export const UP = ['new', 'expansion', 'reactivation'];
/** Movements that take it away, drawn down. */
export const DOWN = ['contraction', 'churn'];

/** Labels and colours of the movements. */
export const MOVEMENTS = {
  new: { label: 'New', color: '#29845a' },
  expansion: { label: 'Expansion', color: '#91d0ff' },
  reactivation: { label: 'Reactivation', color: '#b4a0f7' },
  contraction: { label: 'Contraction', color: '#ffb800' },
  churn: { label: 'Churn', color: '#e51c00' },
};

/**
 * Every month from..to with its movements (months the API leaves out are
 * zero): [{month, new, expansion, contraction, churn, reactivation, net}].
 * Contraction and churn are amounts lost, kept positive; net is what the
 * API says, or up − down when it says nothing.
 */
export function movementMonths(rows, from, to) {
  const byMonth = new Map((rows || []).map((r) => [r.month, r]));
  return monthsBetween(from, to).map((month) => {
    const r = byMonth.get(month) || {};
    const m = { month };
    for (const k of [...UP, ...DOWN]) m[k] = Math.abs(Number(r[k]) || 0);
    const derived = UP.reduce((s, k) => s + m[k], 0) - DOWN.reduce((s, k) => s + m[k], 0);
    m.net = r.net === undefined || r.net === null ? derived : Number(r.net);
    return m;
  });
}

/** The largest bar above and below zero, and the net line's extremes: the chart's scale. */
export function movementScale(months) {
  let up = 0;
  let down = 0;
  for (const m of months) {
    up = Math.max(up, UP.reduce((s, k) => s + m[k], 0), m.net);
    down = Math.max(down, DOWN.reduce((s, k) => s + m[k], 0), -m.net);
  }
  return { up, down };
}

/** Sum of each movement over the months, and the net. */
export function movementTotals(months) {
  const t = { new: 0, expansion: 0, reactivation: 0, contraction: 0, churn: 0, net: 0 };
  for (const m of months) for (const k of Object.keys(t)) t[k] += m[k];
  return t;
}

/** A month as "Mar 2026" in locale. */
export function monthLabel(month, loc = 'en-US', short = false) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(loc, { month: 'short', year: short ? '2-digit' : 'numeric', timeZone: 'UTC' });
}

/** The heat map's bands: a share at or above min takes the colour. */
export const HEAT = [
  { min: 0.8, bg: '#0c5132', fg: '#ffffff', label: '80–100%' },
  { min: 0.6, bg: '#29845a', fg: '#ffffff', label: '60–79%' },
  { min: 0.4, bg: '#7fc1a0', fg: '#1a1a1a', label: '40–59%' },
  { min: 0.2, bg: '#c5e6d3', fg: '#1a1a1a', label: '20–39%' },
  { min: 0, bg: '#eef7f2', fg: '#1a1a1a', label: '0–19%' },
];

/** The band of a share in basis points (0..10000): {bg, fg, label}. */
export function heatColor(bp) {
  const s = Math.max(0, Math.min(1, (Number(bp) || 0) / 10000));
  return HEAT.find((h) => s >= h.min - 1e-9);
}

/** Basis points as a whole percent text: 6667 → "67%". */
export function shareText(bp) {
  return `${Math.round((Number(bp) || 0) / 100)}%`;
}

/**
 * The retention report's cohorts as rows of the heat map, oldest first,
 * each with a cell per month since acquisition up to the oldest cohort's
 * age; a month the cohort has not reached yet is null (blank), never 0%.
 */
export function cohortGrid(cohorts) {
  const rows = [...(cohorts || [])].sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  const width = Math.max(0, ...rows.flatMap((c) => (c.months || []).map((m) => m.months_since + 1)));
  return {
    width,
    rows: rows.map((c) => {
      const bySince = new Map((c.months || []).map((m) => [m.months_since, m]));
      return {
        cohort: c.cohort,
        size: c.subscriptions,
        cells: Array.from({ length: width }, (_, i) => bySince.get(i) || null),
      };
    }),
  };
}

/** Rows sorted by a numeric key, largest first unless ascending; ties by name. */
export function sortRows(rows, key, ascending = false) {
  const dir = ascending ? 1 : -1;
  return [...rows].sort((a, b) => (a[key] - b[key]) * dir || String(a.name || '').localeCompare(String(b.name || '')));
}

/** Basis points as a percent text with at most one decimal: 1250 → "12.5%". */
export function bpText(bp) {
  const n = Math.round((Number(bp) || 0) / 10) / 10;
  return `${n}%`;
}
