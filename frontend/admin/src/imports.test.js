import { describe, expect, test } from 'vitest';
import { importDuration, importPercent, importProgress } from './imports.js';

describe('import progress on Get started', () => {
  test('a finished import reads full, even with codes skipped on the way', () => {
    expect(importPercent({ import_state: 'done', import_done: 240, import_total: 300 })).toBe(100);
    expect(importPercent({ import_state: 'running', import_done: 150, import_total: 300 })).toBe(50);
    expect(importPercent({ import_state: 'running', import_done: 150, import_total: -1 })).toBe(0);
  });
  test('the time taken reads for people', () => {
    const at = (s) => new Date(Date.UTC(2026, 10, 2, 9, 0, s)).toISOString();
    expect(importDuration({ import_started_at: at(0), import_finished_at: at(0) })).toBe('in under a second');
    expect(importDuration({ import_started_at: at(0), import_finished_at: at(12) })).toBe('in 12 s');
    expect(importDuration({ import_started_at: at(0), import_finished_at: new Date(Date.UTC(2026, 10, 2, 9, 2, 5)).toISOString() })).toBe('in 2 min 5 s');
    expect(importDuration({ import_started_at: at(5), import_finished_at: at(0) })).toBe('');
    expect(importDuration({ import_started_at: at(0) })).toBe('');
  });
});

describe('importProgress', () => {
  test('says what it counts, never a computed percent', () => {
    expect(importProgress({ import_state: 'running', import_done: 12, import_total: 40 }).label).toBe('12 of 40 codes imported');
    expect(importProgress({ import_state: 'done', import_done: 240, import_total: 300 })).toEqual({ done: 1, total: 1, label: '240 of 300 codes imported' });
    expect(importProgress({ import_state: 'running', import_done: 7, import_total: -1 }).label).toBe('7 codes imported so far');
    expect(importProgress({ name: 'Demo', import_state: 'done' }, true).label).toBe('Import of Demo started');
  });
});
