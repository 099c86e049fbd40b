import { describe, expect, test } from 'vitest';
import { inFlight, latestItems, methodLabel, payoutWhen, reasonParts, statusInfo, totalsText } from './payoutRuns.js';

describe('payout runs in words', () => {
  test('totals read in status order and skip empty statuses', () => {
    const totals = { failed: { count: 1, amount: 500 }, paid: { count: 2, amount: 3000 }, sending: { count: 0, amount: 0 } };
    expect(totalsText(totals, 'USD')).toBe('Paid 2 · $30.00, Failed 1 · $5.00');
    expect(totalsText({}, 'USD')).toBe('');
  });
  test('a run is in flight while an item is queued or sending', () => {
    expect(inFlight({ paid: { count: 1 }, queued: { count: 1 } })).toBe(true);
    expect(inFlight({ paid: { count: 1 }, unclaimed: { count: 1 } })).toBe(false);
  });
  test('a payout is called paid only once it is', () => {
    const fmt = (d) => d.slice(0, 10);
    expect(payoutWhen({ paid_at: '2026-03-01T10:00:00Z' }, fmt)).toBe('Paid 2026-03-01');
    expect(payoutWhen({ status: 'paid', paid_at: '2026-03-01T10:00:00Z', settled_at: '2026-03-02T09:00:00Z' }, fmt)).toBe('Paid 2026-03-02');
    expect(payoutWhen({ status: 'sending', paid_at: '2026-03-01T10:00:00Z' }, fmt)).toBe('Sending since 2026-03-01');
    expect(payoutWhen({ status: 'failed', paid_at: '2026-03-01T10:00:00Z', settled_at: '2026-03-02T09:00:00Z' }, fmt))
      .toBe('Failed 2026-03-02 · back in the balance');
  });
  test('methods and statuses have words', () => {
    expect(methodLabel('stripe_connect')).toBe('Stripe Connect');
    expect(methodLabel('Bank transfer')).toBe('Bank transfer');
    expect(statusInfo('returned')).toMatchObject({ label: 'Returned', tone: 'critical' });
  });
  test('a retried item gives way to its retry', () => {
    expect(latestItems([{ payout_id: 1, retried_by: 3 }, { payout_id: 2 }, { payout_id: 3, retry_of: 1 }]).map((i) => i.payout_id)).toEqual([2, 3]);
  });
  test('a reason reads as words, its codes apart', () => {
    expect(reasonParts({ platform_status: 'FAILED', reason: "RECEIVER_ACCOUNT_LOCKED: Receiver's account is locked or inactive." }))
      .toEqual({ words: "Receiver's account is locked or inactive.", code: 'FAILED · RECEIVER_ACCOUNT_LOCKED' });
    expect(reasonParts({ platform_status: 'BATCH_DENIED', reason: 'PayPal DENIED the batch' })).toEqual({ words: 'PayPal DENIED the batch', code: 'BATCH_DENIED' });
  });
});
