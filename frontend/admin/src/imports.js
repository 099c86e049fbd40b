// How a store's code import reads on Get started.

/** How long an import took, for people: "in under a second", "in 12 s". */
export function importDuration(c) {
  if (!c.import_started_at || !c.import_finished_at) return '';
  const ms = new Date(c.import_finished_at) - new Date(c.import_started_at);
  if (!(ms >= 0)) return '';
  if (ms < 1000) return 'in under a second';
  const s = Math.round(ms / 1000);
  return s < 60 ? `in ${s} s` : `in ${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The import's bar: full when done, whatever was skipped on the way. */
export function importPercent(c) {
  if (c.import_state === 'done') return 100;
  return c.import_total > 0 ? Math.min(100, (c.import_done / c.import_total) * 100) : 0;
}

/** The import's bar and what it says: "12 of 40 codes imported". */
export function importProgress(c, waiting) {
  if (waiting) return { done: 0, total: 1, label: `Import of ${c.name} started` };
  const total = c.import_total > 0 ? c.import_total : 0;
  const done = c.import_done || 0;
  if (c.import_state === 'done') return { done: 1, total: 1, label: `${done} of ${total || done} codes imported` };
  if (!total) return { done: 0, total: 1, label: c.import_state === 'running' ? `${done} codes imported so far` : 'No codes imported yet' };
  return { done, total, label: `${done} of ${total} codes imported` };
}
