import { describe, expect, test } from 'vitest';
import { scopeLabel, scopesFor } from './apiKeys.js';

describe('API key scopes', () => {
  test('a preset sends its one scope', () => {
    expect(scopesFor('read', { orders: 'write' })).toEqual(['read']);
    expect(scopesFor('full', {})).toEqual(['full']);
  });
  test('chosen areas send one scope per area given access', () => {
    expect(scopesFor('custom', { orders: 'write', reports: 'read', codes: '' })).toEqual(['orders:write', 'reports:read']);
    expect(scopesFor('custom', {})).toEqual([]);
  });
  test('scopes read in words', () => {
    expect(scopeLabel('read')).toBe('Read all');
    expect(scopeLabel('orders:write')).toBe('Orders, refunds and events: read and write');
    expect(scopeLabel('reports:read')).toBe('Reports: read');
  });
});
