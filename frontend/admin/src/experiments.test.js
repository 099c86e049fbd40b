import { describe, expect, test } from 'vitest';
import { perVisitorText, rateWithInterval, stoppedSentence, togglePick, verdictTitle } from './experiments.js';

describe('experiments', () => {
  test('a variant shows its rate with the 95% interval, or says it has no visitors', () => {
    expect(rateWithInterval({ visitors: 100, conversion_rate: 0.2, interval: { low: 0.13337, high: 0.28883 } }))
      .toEqual({ rate: '20.0%', interval: '95%: 13.3% – 28.9%' });
    expect(rateWithInterval({ visitors: 0, conversion_rate: 0, interval: { low: 0, high: 0 } }).rate).toBe('—');
    expect(perVisitorText({ visitors: 4, net_revenue_per_visitor: 1612.5 }, 'USD')).toBe('$16.13');
  });
  test('the verdict names the winner, and a stopped link says where it goes', () => {
    const r = { verdict: 'winner', winner: 1, variants: [{ code: 'TEN' }, { code: 'THIRTY' }] };
    expect(verdictTitle(r).title).toBe('Winner: THIRTY');
    expect(verdictTitle({ verdict: 'keep_running' }).title).toBe('Not enough data yet');
    expect(stoppedSentence({ final_position: 0, final_winner: false, variants: r.variants }))
      .toBe('Stopped without a winner: the link now sends everyone to TEN, the first variant.');
  });
  test('at most four codes are picked', () => {
    expect(togglePick([1, 2, 3, 4], 5)).toEqual([1, 2, 3, 4]);
    expect(togglePick([1, 2], 2)).toEqual([1]);
  });
});
