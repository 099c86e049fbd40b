import { describe, expect, test } from 'vitest';
import { presetRange, rangeError, readRange, writeRange } from './range.js';

describe('dashboard range', () => {
  test.each([
    ['7d', '2026-03-10', '2026-03-04', '2026-03-10'],
    ['30d', '2026-03-10', '2026-02-09', '2026-03-10'],
    ['90d', '2026-03-10', '2025-12-11', '2026-03-10'],
    ['month', '2026-03-10', '2026-03-01', '2026-03-10'],
    ['lastmonth', '2026-03-10', '2026-02-01', '2026-02-28'],
    ['lastmonth', '2026-01-05', '2025-12-01', '2025-12-31'],
  ])('%s on %s', (preset, today, from, to) => {
    expect(presetRange(preset, today)).toEqual({ from, to });
  });
  test('custom ranges are checked like the server checks them', () => {
    expect(rangeError('2026-01-01', '2026-01-31')).toBe('');
    expect(rangeError('2026-02-01', '2026-01-31')).toMatch(/after/);
    expect(rangeError('2024-01-01', '2025-12-31')).toBe('');
    expect(rangeError('2023-12-31', '2026-01-01')).toMatch(/two years/);
    expect(rangeError('', '2026-01-01')).toMatch(/start/);
  });
  test('the range survives a reload through the query, keeping the shop', () => {
    const q = writeRange('?shop=a.myshopify.com&range=7d', { preset: 'custom', from: '2026-01-01', to: '2026-01-15' });
    expect(new URLSearchParams(q).get('shop')).toBe('a.myshopify.com');
    expect(readRange(q, '2026-03-10')).toEqual({ preset: 'custom', from: '2026-01-01', to: '2026-01-15' });
    expect(readRange(writeRange(q, { preset: '90d' }), '2026-03-10')).toEqual({ preset: '90d', from: '2025-12-11', to: '2026-03-10' });
    expect(readRange('?range=custom&from=2026-02-01&to=2026-01-01', '2026-03-10').preset).toBe('30d');
    expect(readRange('?range=bogus', '2026-03-10').preset).toBe('30d');
  });
});
