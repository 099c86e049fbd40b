// API keys' scopes in words, for the Developers page.

/** The areas a key can be narrowed to, as the API names them, with labels. */
export const areas = [
  ['affiliates', 'Affiliates'], ['codes', 'Codes'], ['links', 'Tracked links'], ['conversions', 'Conversions'],
  ['orders', 'Orders, refunds and events'], ['payouts', 'Payouts and ledger'], ['reports', 'Reports'],
  ['settings', 'Settings and commission'], ['connections', 'Stores'], ['emails', 'Emails'], ['webhooks', 'Webhooks'],
  ['keys', 'API keys'],
];

/** The access presets of the create dialog, and the scopes each sends. */
export const presets = [
  { value: 'read', label: 'Read only', helpText: 'Reads everything except API keys; changes nothing.' },
  { value: 'write', label: 'Read and write', helpText: 'Reads and changes everything except API keys.' },
  { value: 'full', label: 'Full access', helpText: 'Everything, including creating and revoking API keys.' },
  { value: 'custom', label: 'Chosen areas', helpText: 'Read or write only the areas you choose.' },
];

/** The scopes to send: a preset's own, or "<area>:read|write" per chosen area. */
export function scopesFor(preset, perArea) {
  if (preset !== 'custom') return [preset];
  return areas.map(([a]) => (perArea[a] ? `${a}:${perArea[a]}` : null)).filter(Boolean);
}

/** A scope in words: "read" → "Read all", "orders:write" → "Orders, refunds and events: write". */
export function scopeLabel(scope) {
  if (scope === 'read') return 'Read all';
  if (scope === 'write') return 'Read and write all';
  if (scope === 'full') return 'Full access';
  const [area, mode] = String(scope).split(':');
  const found = areas.find(([a]) => a === area);
  return `${found ? found[1] : area}: ${mode === 'write' ? 'read and write' : 'read'}`;
}
