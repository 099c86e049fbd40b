import { describe, expect, test } from 'vitest';
import { conversionParams, failedReason, parseSignedMoney, presetRange } from './conversions.js';

describe('date presets', () => {
  const now = new Date(Date.UTC(2026, 2, 15, 23, 30)); // 15 March 2026, late evening UTC
  test('last 7 and 30 days include today', () => {
    expect(presetRange('last7', now)).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(presetRange('last30', now)).toEqual({ from: '2026-02-14', to: '2026-03-15' });
  });
  test('this month and last month', () => {
    expect(presetRange('thisMonth', now)).toEqual({ from: '2026-03-01', to: '2026-03-15' });
    expect(presetRange('lastMonth', now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('lastMonth', new Date(Date.UTC(2026, 0, 10)))).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });
  test('custom has no range of its own', () => {
    expect(presetRange('custom', now)).toBe(null);
  });
});

test('filters become query parameters', () => {
  expect(String(conversionParams({ q: ' jane ', statuses: ['pending', 'flagged'], from: '2026-01-01', to: '2026-01-31' })))
    .toBe('q=jane&status=pending%2Cflagged&from=2026-01-01&to=2026-01-31');
  expect(String(conversionParams({ q: '', statuses: [] }))).toBe('');
});

test('signed money', () => {
  expect(parseSignedMoney('-12.50', 'USD')).toBe(-1250);
  expect(parseSignedMoney('+5', 'USD')).toBe(500);
  expect(parseSignedMoney('500', 'JPY')).toBe(500);
  expect(parseSignedMoney('0', 'USD')).toBe(null);
  expect(parseSignedMoney('1.234', 'USD')).toBe(null);
  expect(parseSignedMoney('abc', 'USD')).toBe(null);
});

test('failed deliveries are said in words', () => {
  const r = failedReason('jobs: event 7 (api order.paid): models: invalid: order 9: currency "XX" is not an ISO 4217 currency code');
  expect(r.words).toBe('The order’s currency is not one Codecredit knows.');
  expect(r.detail).toBe('models: invalid: order 9: currency "XX" is not an ISO 4217 currency code');
  expect(failedReason('jobs: event 3 (shopify orders/paid): parse: unexpected end of JSON input').words).toMatch(/could not read/);
  expect(failedReason('something odd').words).toBe('Codecredit could not book it.');
  expect(failedReason('')).toEqual({ words: 'Unknown error.', detail: '' });
});
