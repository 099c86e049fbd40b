// The dashboard's range picker: presets, or two dates, kept in the URL.
import { useEffect, useState } from 'react';
import { InlineStack, Select, TextField } from '@shopify/polaris';
import { PRESETS, presetRange, rangeError, readRange, writeRange } from '../range.js';

function today() {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The range in the URL ({preset, from, to}), and a setter that writes it
 * back; read and write are the query's (range.js rangeQuery).
 */
export function useUrlRange(read = readRange, write = writeRange) {
  const [range, setRange] = useState(() => read(window.location.search, today()));
  useEffect(() => {
    const on = () => setRange(read(window.location.search, today()));
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, [read]);
  const set = (r) => {
    window.history.replaceState(null, '', window.location.pathname + write(window.location.search, r));
    setRange(r);
  };
  return [range, set];
}

/** What the picker of days offers; a picker of months passes its own. */
const DAYS = { presets: PRESETS, presetFor: presetRange, errorOf: rangeError, label: 'Date range', type: 'date', from: 'From', to: 'To' };

/** Preset select, with from/to fields for a custom range, then children (other filters). */
export function DateRange({ range, onChange, kind = DAYS, children }) {
  const [draft, setDraft] = useState({ from: range.from, to: range.to });
  useEffect(() => setDraft({ from: range.from, to: range.to }), [range.from, range.to]);
  const error = range.preset === 'custom' ? kind.errorOf(draft.from, draft.to) : '';
  const pick = (preset) => onChange(preset === 'custom' ? { preset, from: range.from, to: range.to } : { preset, ...kind.presetFor(preset, today()) });
  const edit = (k) => (v) => {
    const next = { ...draft, [k]: v };
    setDraft(next);
    if (!kind.errorOf(next.from, next.to)) onChange({ preset: 'custom', ...next });
  };
  return (
    <InlineStack gap="300" blockAlign="end" wrap>
      <div style={{ minWidth: 180 }}>
        <Select label={kind.label} options={kind.presets} value={range.preset} onChange={pick} />
      </div>
      {range.preset === 'custom' && (
        <>
          <TextField label={kind.from} type={kind.type} value={draft.from} onChange={edit('from')} autoComplete="off" max={draft.to} />
          <TextField label={kind.to} type={kind.type} value={draft.to} onChange={edit('to')} autoComplete="off" min={draft.from} error={error || undefined} />
        </>
      )}
      {children}
    </InlineStack>
  );
}
