import { describe, expect, test } from 'vitest';
import { monthsBefore, monthRangeError, monthsBetween, presetMonths, readMonths, writeMonths } from './months.js';

describe('report months', () => {
  test.each([
    ['6m', '2026-03-10', '2025-10', '2026-03'],
    ['12m', '2026-03-10', '2025-04', '2026-03'],
    ['24m', '2026-01-31', '2024-02', '2026-01'],
    ['year', '2026-03-10', '2026-01', '2026-03'],
  ])('%s on %s', (preset, today, from, to) => {
    expect(presetMonths(preset, today)).toEqual({ from, to });
  });
  test('months between two months cross the year', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
    expect(monthsBefore('2026-01', 1)).toBe('2025-12');
    expect(monthsBefore('2026-01', -12)).toBe('2027-01');
  });
  test('custom months are checked like the server checks them (36 at most)', () => {
    expect(monthRangeError('2026-01', '2026-01')).toBe('');
    expect(monthRangeError('2026-02', '2026-01')).toMatch(/after/);
    expect(monthRangeError('2024-01', '2026-12')).toBe('');
    expect(monthRangeError('2023-12', '2026-12')).toMatch(/36 months/);
    expect(monthRangeError('2026-13', '2026-12')).toMatch(/first/);
  });
  test('the range survives a reload through the query, keeping the shop', () => {
    const q = writeMonths('?shop=a.myshopify.com&months=6m', { preset: 'custom', from: '2025-01', to: '2025-06' });
    expect(new URLSearchParams(q).get('shop')).toBe('a.myshopify.com');
    expect(readMonths(q, '2026-03-10')).toEqual({ preset: 'custom', from: '2025-01', to: '2025-06' });
    expect(readMonths(writeMonths(q, { preset: '6m' }), '2026-03-10')).toEqual({ preset: '6m', from: '2025-10', to: '2026-03' });
    expect(readMonths('?months=custom&from=2026-02&to=2026-01', '2026-03-10').preset).toBe('12m');
    expect(readMonths('?range=7d', '2026-03-10').preset).toBe('12m');
  });
});
