import { describe, expect, test } from 'vitest';
import { excludedNote, hasVisits, reportTable, rowDiscount } from './discountReport.js';

const report = {
  currency: 'USD', currencies: ['EUR', 'USD'], flagged: 1, refunded: 2,
  codes: [
    { code_id: 1, code: 'JANE15', affiliate: 'Jane', discount_type: 'percentage', discount_value: 1500, discount_currency: null, orders: 2, sales: 15001, average: 7500, commission: 1500 },
    { code_id: 0, code: '', affiliate: '', discount_type: null, discount_value: null, discount_currency: null, orders: 1, sales: 900, average: 900, commission: 90 },
  ],
  levels: [
    { discount_type: 'fixed_amount', discount_value: 500, discount_currency: 'USD', codes: 1, orders: 1, sales: 3000, average: 3000, commission: 300 },
    { discount_type: null, discount_value: null, discount_currency: null, codes: 1, orders: 1, sales: 900, average: 900, commission: 90 },
  ],
  total: { orders: 3, sales: 15901, average: 5300, commission: 1590 },
};

describe('discount report', () => {
  test('levels and codes are labelled as the merchant set them', () => {
    expect(rowDiscount(report.codes[0])).toBe('15% off');
    expect(rowDiscount(report.levels[0])).toBe('$5.00 off');
    expect(rowDiscount(report.codes[1])).toBe('Code removed');
    const codes = reportTable(report, 'codes');
    expect(codes.headings).toEqual(['Code', 'Affiliate', 'Discount', 'Orders', 'Sales', 'Average order', 'Commission']);
    expect(codes.rows[0]).toEqual(['JANE15', 'Jane', '15% off', 2, '$150.01', '$75.00', '$15.00']);
    expect(codes.rows[1].slice(0, 3)).toEqual(['Removed code', '–', 'Code removed']);
    expect(codes.types.slice(0, 4)).toEqual(['text', 'text', 'text', 'numeric']);
    expect(reportTable(report, 'levels').rows[0]).toEqual(['$5.00 off', 1, 1, '$30.00', '$30.00', '$3.00']);
  });
  test('visits and conversion rates appear only once visits are counted', () => {
    expect(hasVisits(report)).toBe(false);
    const withVisits = { ...report, codes: [{ ...report.codes[0], visits: 40, conversion_rate: 0.05 }, report.codes[1]] };
    const t = reportTable(withVisits, 'codes');
    expect(t.headings).toContain('Conversion rate');
    expect(t.rows[0].slice(3, 5)).toEqual([40, '5.0%']);
    expect(t.rows[1].slice(3, 5)).toEqual([0, '–']);
  });
  test('the orders left out are named', () => {
    expect(excludedNote(report)).toBe('Not counted: 2 fully refunded or cancelled and 1 flagged (the affiliate’s own purchase) orders.');
    expect(excludedNote({ ...report, refunded: 0 })).toBe('Not counted: 1 flagged (the affiliate’s own purchase) order.');
    expect(excludedNote({ ...report, refunded: 0, flagged: 0 })).toBe('');
  });
});
