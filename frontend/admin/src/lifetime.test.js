import { describe, expect, test } from 'vitest';
import { creditText, lifetimeBody, lifetimeForm, overrideForm, overrideValue, programText } from './lifetime.js';

describe('lifetime settings', () => {
  test('the program in a few words', () => {
    expect(programText({ on: false, days: 365 })).toBe('off');
    expect(programText({ on: true, days: 0 })).toBe('for ever');
    expect(programText({ on: true, days: 1 })).toBe('1 day');
    expect(programText({ on: true, days: 365 })).toBe('365 days');
  });
  test('the form round-trips and checks its days', () => {
    expect(lifetimeBody(lifetimeForm({ on: true, days: 90, code_wins: false }))).toEqual({ body: { on: true, days: 90, code_wins: false }, error: '' });
    expect(lifetimeBody(lifetimeForm({ on: true, days: 0, code_wins: true })).body.days).toBe(0);
    for (const bad of ['', '0', '1.5', '-3', '36501', 'ten']) {
      expect(lifetimeBody({ on: true, forever: false, days: bad, codeWins: true }).error).not.toBe('');
    }
    expect(lifetimeBody({ on: false, forever: false, days: 'ten', codeWins: true }).error).toBe(''); // off: the window is not used
  });
  test('an affiliate override', () => {
    for (const v of [null, -1, 0, 30]) expect(overrideValue(overrideForm(v))).toEqual({ value: v, error: '' });
    expect(overrideValue({ choice: 'days', days: '0' }).error).not.toBe('');
  });
});

describe('why an order went to its affiliate', () => {
  test('a repeat order names who brought the customer and when', () => {
    const c = { credited_by: 'repeat', affiliate_name: 'Sofia', code: '', credit_note: 'repeat order of a customer brought by Sofia on 2026-10-02' };
    expect(creditText(c)).toBe('Repeat order of a customer brought by Sofia on Oct 2, 2026.');
    expect(creditText({ ...c, code: 'LEO10' })).toMatch(/carried the code LEO10, but your settings keep/);
  });
  test('a renewal and a code', () => {
    expect(creditText({ credited_by: 'renewal', affiliate_name: 'Sofia', credit_note: 'renewal 3 of 12 (subscription sub_1, brought on 2026-10-02)' }))
      .toBe('Renewal 3 of 12 (subscription sub_1, brought on Oct 2, 2026). A renewal of a subscription Sofia brought.');
    expect(creditText({ credited_by: 'code', affiliate_name: 'Sofia', code: 'SOFIA20', credit_note: 'code SOFIA20' })).toBe("The order was paid with Sofia's code SOFIA20.");
  });
});
