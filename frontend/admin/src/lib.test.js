import { describe, expect, test } from 'vitest';
import { formatMoney, parseMoney, parsePercent, percentText, discountLabel } from './money.js';
import { compareDiscounts, topAffiliates } from './stats.js';
import { affiliatesFromCSV } from './csv.js';

describe('money', () => {
  test.each([
    [1250, 'USD', '$12.50'],
    [-1250, 'USD', '-$12.50'],
    [1500, 'JPY', '¥1,500'],
    [12345, 'KWD', 'KWD 12.345'],
    [123456789012, 'USD', '$1,234,567,890.12'],
  ])('formatMoney(%s, %s)', (minor, cur, want) => {
    expect(formatMoney(minor, cur).replace(/\u00a0/g, ' ')).toBe(want);
  });
  test.each([
    ['12.50', 'USD', 1250],
    ['12.5', 'USD', 1250],
    ['0.07', 'USD', 7],
    ['1500', 'JPY', 1500],
    ['1.5', 'JPY', null],
    ['12.345', 'KWD', 12345],
    ['12.345', 'USD', null],
    ['abc', 'USD', null],
  ])('parseMoney(%s, %s)', (text, cur, want) => {
    expect(parseMoney(text, cur)).toBe(want);
  });
  test('percent', () => {
    expect(parsePercent('15')).toBe(1500);
    expect(parsePercent('12.5%')).toBe(1250);
    expect(parsePercent('0.01')).toBe(1);
    expect(parsePercent('101')).toBe(null);
    expect(parsePercent('1.234')).toBe(null);
    expect(percentText(1250)).toBe('12.5');
    expect(percentText(1500)).toBe('15');
    expect(discountLabel({ discount_type: 'fixed_amount', discount_value: 1000, currency: 'USD' })).toBe('$10.00 off');
  });
});

describe('dashboard numbers', () => {
  const codes = [
    { id: 1, discount_type: 'percentage', discount_value: 1000 },
    { id: 2, discount_type: 'percentage', discount_value: 2000 },
    { id: 3, discount_type: 'percentage', discount_value: 1000 },
  ];
  const conv = (code_id, subtotal, refunded = 0, status = 'pending') => ({ code_id, subtotal, refunded_subtotal: refunded, currency: 'USD', status });
  test('discount comparison groups codes by discount level', () => {
    const rows = compareDiscounts([conv(1, 5000), conv(3, 3000, 1000), conv(2, 9000), conv(2, 1, 0, 'unattributed')], codes);
    expect(rows.map((r) => [r.label, r.orders, r.revenue, r.average])).toEqual([
      ['10% off', 2, 7000, 3500],
      ['20% off', 1, 9000, 9000],
    ]);
  });
  test('top affiliates sum every status in one currency', () => {
    const rows = topAffiliates([
      { affiliate_id: 1, currency: 'USD', pending: 100, approved: 0, paid: 0 },
      { affiliate_id: 2, currency: 'USD', pending: 50, approved: 50, paid: 50 },
      { affiliate_id: 2, currency: 'EUR', pending: 999, approved: 0, paid: 0 },
    ], 'USD');
    expect(rows).toEqual([{ affiliate_id: 2, earned: 150 }, { affiliate_id: 1, earned: 100 }]);
  });
});

describe('CSV import', () => {
  test('header, quotes and blank lines', () => {
    const rows = affiliatesFromCSV('Email,Name\n"ann@example.com","Ann, the first"\n\nbob@example.com,Bob\r\n');
    expect(rows).toEqual([
      { line: 2, name: 'Ann, the first', email: 'ann@example.com', notes: '' },
      { line: 3, name: 'Bob', email: 'bob@example.com', notes: '' },
    ]);
  });
  test('no header: name, email, notes', () => {
    expect(affiliatesFromCSV('Cleo,cleo@example.com,podcast')).toEqual([
      { line: 1, name: 'Cleo', email: 'cleo@example.com', notes: 'podcast' },
    ]);
  });
});
