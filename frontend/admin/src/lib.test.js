import { describe, expect, test } from 'vitest';
import { formatMoney, parseMoney, parsePercent, percentText, discountLabel } from './money.js';
import { discountRows, topAffiliates } from './stats.js';
import { affiliatesFromCSV } from './csv.js';

describe('money', () => {
  test.each([
    [1250, 'USD', '$12.50'],
    [-1250, 'USD', '\u2212$12.50'],
    [-123456789012345, 'USD', '\u2212$1,234,567,890,123.45'],
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
  test('discount comparison labels the server rows in its order', () => {
    const row = (discount_type, discount_value, discount_currency, currency, orders, revenue, average) =>
      ({ discount_type, discount_value, discount_currency, currency, orders, revenue, average });
    const rows = discountRows([
      row('percentage', 1000, null, 'USD', 3, 17001, 5667),
      row(null, null, null, 'USD', 2, 7000, 3500),
      row('fixed_amount', 500, 'EUR', 'USD', 1, 7000, 7000),
      row('free_shipping', 0, null, 'USD', 1, 2500, 2500),
    ]);
    expect(rows.map((r) => [r.label, r.currency, r.orders, r.revenue, r.average])).toEqual([
      ['10% off', 'USD', 3, 17001, 5667],
      ['Code removed', 'USD', 2, 7000, 3500],
      ['€5.00 off', 'USD', 1, 7000, 7000],
      ['Free shipping', 'USD', 1, 2500, 2500],
    ]);
  });
  test('top affiliates sum every status in one currency, with their names', () => {
    const rows = topAffiliates([
      { affiliate_id: 1, affiliate_name: 'Ann', currency: 'USD', pending: 100, approved: 0, paid: 0 },
      { affiliate_id: 2, affiliate_name: 'Bob', currency: 'USD', pending: 50, approved: 50, paid: 50 },
      { affiliate_id: 2, affiliate_name: 'Bob', currency: 'EUR', pending: 999, approved: 0, paid: 0 },
    ], 'USD');
    expect(rows).toEqual([{ affiliate_id: 2, name: 'Bob', earned: 150 }, { affiliate_id: 1, name: 'Ann', earned: 100 }]);
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

describe('affiliates list', () => {
  test('listParams sends sort, filters and selected ids', async () => {
    const { listParams } = await import('./affiliateList.js');
    expect(String(listParams({ q: 'ann', status: 'active', sort: 'sales desc', page: 2, perPage: 25 })))
      .toBe('sort=sales&dir=desc&q=ann&status=active&page=2&per_page=25');
    expect(String(listParams({ sort: 'name asc', ids: [3, 7] }))).toBe('sort=name&dir=asc&id=3&id=7');
  });
  test('codesText shows the first codes and how many more', async () => {
    const { codesText } = await import('./affiliateList.js');
    expect(codesText({ codes: ['ANN10', 'ANN20'], code_count: 5 })).toBe('ANN10, ANN20 +3 more');
    expect(codesText({ codes: ['BOB5'], code_count: 1 })).toBe('BOB5');
  });
  test('formErrors puts a named field under it, anything else in a banner', async () => {
    const { formErrors } = await import('./formErrors.js');
    const dup = { message: 'email ann@x.io is already used', body: { field: 'email' } };
    expect(formErrors(dup, ['name', 'email'])).toEqual({ fields: { email: 'Email ann@x.io is already used' }, general: null });
    const other = { message: 'internal server error', body: {} };
    expect(formErrors(other, ['name', 'email'])).toEqual({ fields: {}, general: other });
    expect(formErrors({ message: 'x', body: { field: 'ids' } }, ['email']).general).toBeTruthy();
  });
});
