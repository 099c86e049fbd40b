import { describe, expect, test } from 'vitest';
import { bonusExample, newTier, tierBody, tierErrorAt, tierForm } from './tiers.js';

const program = {
  metric: 'sales', period: 'quarter', bonus: true,
  tiers: [
    { id: 7, name: 'Silver', threshold: 100000, kind: 'percent', basis_points: 1500, flat_amount: 0, currency: '', pays: '15%' },
    { id: 8, name: 'Gold', threshold: 500000, kind: 'flat', basis_points: 0, flat_amount: 2500, currency: 'USD', pays: '25.00 USD per order' },
  ],
};

describe('tier form and body', () => {
  test('the saved program round-trips through the form', () => {
    const f = tierForm(program, 'USD');
    expect(f.on).toBe(true);
    expect(f.tiers.map((t) => [t.name, t.threshold, t.kind, t.rate])).toEqual([['Silver', '1000.00', 'percent', '15'], ['Gold', '5000.00', 'flat', '25.00']]);
    const { body, errors } = tierBody(f, 'USD');
    expect(errors).toEqual({});
    expect(body).toEqual({
      metric: 'sales', period: 'quarter', bonus: true,
      tiers: [
        { name: 'Silver', threshold: 100000, kind: 'percent', basis_points: 1500, flat_amount: 0, currency: '' },
        { name: 'Gold', threshold: 500000, kind: 'flat', basis_points: 0, flat_amount: 2500, currency: 'USD' },
      ],
    });
  });
  test('no tiers saved: off, counting sales by month', () => {
    const f = tierForm({ metric: '', period: 'month', bonus: false, tiers: [] }, 'USD');
    expect(f).toMatchObject({ on: false, metric: 'sales', period: 'month', tiers: [] });
    expect(tierBody(f, 'USD').body.metric).toBe('');
  });
  test('an order count is a whole number; a rate is checked', () => {
    const f = { on: true, metric: 'orders', period: 'month', bonus: false, tiers: [newTier(1, 'A', '10', 'percent', '12.5'), newTier(2, 'B', '2.5', 'flat', '0')] };
    const { body, errors } = tierBody(f, 'USD');
    expect(body.tiers[0]).toMatchObject({ threshold: 10, basis_points: 1250 });
    expect(Object.keys(errors)).toEqual(['1']);
    expect(errors[1].threshold).toMatch(/number of orders/);
    expect(errors[1].rate).toMatch(/amount in USD/);
  });
});

describe('where an API error goes', () => {
  const tiers = [newTier(1, 'Silver', '1000'), newTier(2, 'Gold', '1000'), newTier(3, '', '3000')];
  const err = (field, message) => ({ message, body: { field } });
  test('under the tier the message names last', () => {
    expect(tierErrorAt(err('threshold', 'tiers Silver and Gold have the same threshold'), tiers)).toEqual({ index: 1, field: 'threshold' });
  });
  test('a missing name goes to the tier without one; a rate error under the rate', () => {
    expect(tierErrorAt(err('name', 'each tier needs a name'), tiers)).toEqual({ index: 2, field: 'name' });
    expect(tierErrorAt(err('basis_points', 'basis_points must be between 0 and 10000'), tiers).field).toBe('rate');
  });
  test('program fields stand alone; anything else is a banner', () => {
    expect(tierErrorAt(err('period', 'bad'), tiers)).toEqual({ field: 'period' });
    expect(tierErrorAt({ message: 'boom', body: {} }, tiers)).toBeNull();
  });
});

test('the bonus example works out at the default rate plus five points', () => {
  expect(bonusExample({ kind: 'percent', basis_points: 1000 }, 'sales', 'month', 'USD')).toBe(
    'Example: Silver pays 15% from $1,000.00 instead of 10%. An affiliate with $900.00 of sales this month brings an order of $200.00 and reaches Silver. '
    + 'That order earns 10% ($20.00) and their next orders 15%. With the bonus they also get 5% of $1,100.00 = $55.00, '
    + "so the period's sales, that order included, are paid at 15%.",
  );
  expect(bonusExample({ kind: 'flat', flat_amount: 500 }, 'orders', 'lifetime', 'JPY')).toMatch(/^Example: Silver pays 15% from 10 orders instead of 10%\. An affiliate with 9 orders worth ¥900 so far/);
});
