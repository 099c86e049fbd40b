import { describe, expect, test } from 'vitest';
import {
  baseExamples, kindOptions, mulDiv, precedence, previewBody, repeatFields, repeatText, ruleBody, ruleErrorField, ruleForm,
} from './commissionRules.js';

test('commission rounds half to even, as the server does', () => {
  expect(mulDiv(9000, 1000, 10000)).toBe(900);
  expect(mulDiv(25, 1000, 10000)).toBe(2); // 2.5 → 2
  expect(mulDiv(35, 1000, 10000)).toBe(4); // 3.5 → 4
  expect(mulDiv(9250, 1250, 10000)).toBe(1156); // 1156.25
});

describe('worked examples of the base', () => {
  const tenPercent = { kind: 'percent', basis_points: 1000 };
  test('each option on its own, at the default rate', () => {
    const ex = baseExamples(tenPercent, 'USD', {});
    expect(ex.intro).toBe('An order of $100.00 with $10.00 off, $8.00 tax and $5.00 shipping earns 10% of $90.00 = $9.00 with none of these.');
    expect(ex.shipping).toBe('With shipping: 10% of $95.00 = $9.50.');
    expect(ex.tax).toBe('With tax: 10% of $98.00 = $9.80.');
    expect(ex.beforeDiscount).toBe('Before discounts: 10% of $100.00 = $10.00.');
    expect(ex.current).toBe('With your choices: 10% of $90.00 = $9.00.');
  });
  test('the options chosen add up', () => {
    const ex = baseExamples({ kind: 'percent', basis_points: 1250 }, 'USD', { shipping: true, tax: true, before_discount: true });
    expect(ex.current).toBe('With your choices: 12.5% of $113.00 = $14.12.'); // 11300×1250/10000 = 1412.5 → 1412 (half to even)
  });
  test('a flat default is shown at 10%, and says why', () => {
    const ex = baseExamples({ kind: 'flat', flat_amount: 500, currency: 'USD' }, 'USD', {});
    expect(ex.intro).toMatch(/at 10%: your default pays a flat amount per order/);
    expect(ex.shipping).toBe('With shipping: 10% of $95.00 = $9.50.');
  });
  test('a currency without decimals', () => {
    expect(baseExamples(tenPercent, 'JPY', {}).shipping).toBe('With shipping: 10% of ¥95 = ¥10.'); // 9.5 → 10 (even)
  });
});

test('precedence ends with the program default in words', () => {
  const p = precedence({ kind: 'percent', basis_points: 1000 }, 'USD');
  expect(p).toHaveLength(6);
  expect(p[0]).toMatch(/excluded/);
  expect(p[4]).toMatch(/highest tier the affiliate has reached/);
  expect(p[5]).toBe('Otherwise your program default (10%).');
  expect(precedence({ kind: 'flat', flat_amount: 500, currency: 'USD' }, 'USD')[5]).toBe('Otherwise your program default ($5.00 per order).');
  expect(precedence({ kind: 'percent', basis_points: 1000, repeat_basis_points: 500 }, 'USD')[5])
    .toBe('Otherwise your program default (10%; repeat customers 5%).');
});

test('a code cannot be excluded; a flat rule pays per order for a code, per unit for a product', () => {
  expect(kindOptions('code').map((o) => o.value)).toEqual(['percent', 'flat']);
  expect(kindOptions('code')[1].label).toMatch(/per order/);
  expect(kindOptions('product').map((o) => o.value)).toEqual(['percent', 'flat', 'exclude']);
  expect(kindOptions('collection')[1].label).toMatch(/per unit/);
});

describe('rule body', () => {
  test('a percent rule', () => {
    const { body, rateError } = ruleBody({ scope: 'product', target: ' 42 ', label: 'Mug', connection: '3', kind: 'percent', rate: '12.5' }, 'USD');
    expect(rateError).toBe('');
    expect(body).toEqual({ scope: 'product', connection_id: 3, target: '42', label: 'Mug', kind: 'percent', basis_points: 1250, flat_amount: 0, currency: '' });
  });
  test('a flat code rule carries the currency and no store', () => {
    const { body } = ruleBody({ scope: 'code', target: '7', label: 'x', connection: '3', kind: 'flat', rate: '2.50' }, 'EUR');
    expect(body).toMatchObject({ connection_id: 0, label: '', flat_amount: 250, currency: 'EUR', basis_points: 0 });
  });
  test('a rate that is not one says so', () => {
    expect(ruleBody({ scope: 'product', target: '1', label: '', connection: '0', kind: 'percent', rate: '120' }, 'USD').rateError).toMatch(/0 to 100/);
    expect(ruleBody({ scope: 'product', target: '1', label: '', connection: '0', kind: 'flat', rate: 'abc' }, 'USD').rateError).toMatch(/USD/);
    expect(ruleBody({ scope: 'product', target: '1', label: '', connection: '0', kind: 'exclude', rate: '' }, 'USD').rateError).toBe('');
  });
  test('an edited rule comes back as the form it was typed in', () => {
    expect(ruleForm({ scope: 'product', target: '9', label: 'Tee', connection_id: 0, kind: 'flat', flat_amount: 250, currency: 'USD' }, 'USD'))
      .toEqual({ scope: 'product', target: '9', label: 'Tee', connection: '0', kind: 'flat', rate: '2.50' });
  });
  test('API fields map to the form fields', () => {
    expect(ruleErrorField('basis_points')).toBe('rate');
    expect(ruleErrorField('target')).toBe('target');
  });
});

describe('preview body', () => {
  const form = {
    affiliate: '4', code: '', connection: '2', shipping: '5.00', taxesIncluded: false,
    lines: [{ title: 'Mug', product: '101', quantity: '2', price: '20.00', discount: '4', tax: '1.60' },
      { title: '', product: '', quantity: '1', price: '10', discount: '', tax: '' }],
  };
  test('amounts in minor units, lines numbered, tax summed', () => {
    const { body } = previewBody(form, 'USD');
    expect(body).toEqual({
      affiliate_id: 4, code_id: 0, connection_id: 2, currency: 'USD', shipping: 500, tax: 160, taxes_included: false, repeat_customer: false,
      lines: [{ id: '1', product_id: '101', title: 'Mug', quantity: 2, unit_price: 2000, discount: 400, tax: 160 },
        { id: '2', product_id: '', title: 'Line 2', quantity: 1, unit_price: 1000, discount: 0, tax: 0 }],
    });
  });
  test('a line that is not a number is named', () => {
    expect(previewBody({ ...form, lines: [form.lines[0], { ...form.lines[1], quantity: 'two' }] }, 'USD').error).toMatch(/^Line 2: the quantity/);
    expect(previewBody({ ...form, lines: [{ ...form.lines[0], discount: '50' }] }, 'USD').error).toMatch(/discount is more than the line/);
    expect(previewBody({ ...form, shipping: 'free' }, 'USD').error).toMatch(/Shipping/);
  });
});

describe('repeat-customer rate', () => {
  test('empty is null: the first order\'s rate', () => {
    expect(repeatFields('percent', ' ', 'USD')).toEqual({ fields: { repeat_basis_points: null, repeat_flat_amount: null }, error: '' });
  });
  test('a percent rule sets basis points, a flat rule an amount', () => {
    expect(repeatFields('percent', '5', 'USD').fields).toEqual({ repeat_basis_points: 500, repeat_flat_amount: null });
    expect(repeatFields('flat', '2.50', 'USD').fields).toEqual({ repeat_basis_points: null, repeat_flat_amount: 250 });
    expect(repeatFields('percent', '120', 'USD').error).toMatch(/0 to 100/);
    expect(repeatFields('flat', '2.505', 'USD').error).toMatch(/amount in USD/);
  });
  test('shown as typed, and empty when unset', () => {
    expect(repeatText({ kind: 'percent', basis_points: 1000, repeat_basis_points: 750 }, 'USD')).toBe('7.5');
    expect(repeatText({ kind: 'percent', basis_points: 1000, repeat_basis_points: null }, 'USD')).toBe('');
    expect(repeatText({ kind: 'flat', flat_amount: 500, currency: 'JPY', repeat_flat_amount: 300 }, 'USD')).toBe('300');
  });
});
