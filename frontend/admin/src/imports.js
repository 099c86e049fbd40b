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
