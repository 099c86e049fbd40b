import { describe, expect, test } from 'vitest';
import { bpText, cohortGrid, heatColor, movementMonths, movementScale, movementTotals, shareText, sortRows } from './reports.js';

describe('movements', () => {
  const api = [
    { month: '2026-01', new: 5000, expansion: 1000, contraction: -500, churn: -2000, reactivation: 0, net: 3500, mrr_end: 3500 },
    { month: '2026-03', new: 0, expansion: 0, contraction: 0, churn: -1500, reactivation: 700, net: -800, mrr_end: 2700 },
  ];
  test('every month of the range is there; months without movement are zero', () => {
    const m = movementMonths(api, '2025-12', '2026-03');
    expect(m.map((x) => x.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
    expect(m[0]).toMatchObject({ new: 0, churn: 0, net: 0 });
    expect(m[2].net).toBe(0);
  });
  test('losses are drawn down as positive amounts; net is the API’s', () => {
    const m = movementMonths(api, '2026-01', '2026-03');
    expect(m[0]).toMatchObject({ new: 5000, expansion: 1000, contraction: 500, churn: 2000, net: 3500 });
    expect(m[2]).toMatchObject({ churn: 1500, reactivation: 700, net: -800 });
  });
  test('the scale holds the tallest stack above and below zero', () => {
    const m = movementMonths(api, '2026-01', '2026-03');
    expect(movementScale(m)).toEqual({ up: 6000, down: 2500 });
  });
  test('a net fall larger than any stack below zero still fits', () => {
    const m = movementMonths([{ month: '2026-01', new: 0, churn: 0, net: -900 }], '2026-01', '2026-01');
    expect(movementScale(m)).toEqual({ up: 0, down: 900 });
  });
  test('totals sum each movement and the net', () => {
    const t = movementTotals(movementMonths(api, '2026-01', '2026-03'));
    expect(t).toEqual({ new: 5000, expansion: 1000, reactivation: 700, contraction: 500, churn: 3500, net: 2700 });
  });
});

describe('cohorts', () => {
  test('oldest cohort first; months not reached yet are blank, not 0%', () => {
    const g = cohortGrid([
      { cohort: '2026-02', subscriptions: 2, months: [{ months_since: 0, paying: 2, share_bp: 10000 }] },
      { cohort: '2026-01', subscriptions: 3, months: [{ months_since: 0, paying: 3, share_bp: 10000 }, { months_since: 1, paying: 0, share_bp: 0 }] },
    ]);
    expect(g.width).toBe(2);
    expect(g.rows.map((r) => r.cohort)).toEqual(['2026-01', '2026-02']);
    expect(g.rows[0].cells[1].share_bp).toBe(0);
    expect(g.rows[1].cells[1]).toBeNull();
    expect(g.rows[0].size).toBe(3);
  });
  test('colour bands are inclusive at their lower edge and text stays legible', () => {
    expect(heatColor(10000).label).toBe('80–100%');
    expect(heatColor(8000).label).toBe('80–100%');
    expect(heatColor(7999).label).toBe('60–79%');
    expect(heatColor(0).label).toBe('0–19%');
    expect(heatColor(-5).label).toBe('0–19%');
    expect(heatColor(9000).fg).toBe('#ffffff');
    expect(heatColor(1000).fg).toBe('#1a1a1a');
  });
  test('shares and rates read as percents', () => {
    expect(shareText(6667)).toBe('67%');
    expect(shareText(10000)).toBe('100%');
    expect(bpText(1250)).toBe('12.5%');
    expect(bpText(3333)).toBe('33.3%');
    expect(bpText(0)).toBe('0%');
  });
});

test('rows sort by a number, ties by name', () => {
  const rows = [{ name: 'B', mrr: 100 }, { name: 'A', mrr: 100 }, { name: 'C', mrr: 300 }];
  expect(sortRows(rows, 'mrr').map((r) => r.name)).toEqual(['C', 'A', 'B']);
  expect(sortRows(rows, 'mrr', true).map((r) => r.name)).toEqual(['A', 'B', 'C']);
});
