// The Conversions page's filters: a search box, a date range (presets or a
// custom range on a calendar) and statuses, each shown as a removable tag.
import { useState } from 'react';
import { BlockStack, ChoiceList, DatePicker, Filters } from '@shopify/polaris';
import { DATE_PRESETS, STATUS_CHOICES, presetRange } from '../conversions.js';
import { formatDate } from '../ui.jsx';

/** No filter at all. */
export const NO_FILTERS = { q: '', statuses: [], preset: '', from: '', to: '' };

const asDate = (s) => new Date(`${s}T00:00:00Z`);
const asDay = (d) => new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);

/** The calendar of a custom range; days are the merchant's clicks, kept as UTC days. */
function RangeCalendar({ from, to, onChange }) {
  const start = from ? asDate(from) : new Date();
  const [view, setView] = useState({ month: start.getUTCMonth(), year: start.getUTCFullYear() });
  const local = (s) => { const d = asDate(s); return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()); };
  const selected = from ? { start: local(from), end: local(to || from) } : undefined;
  return (
    <DatePicker month={view.month} year={view.year} allowRange multiMonth={false} selected={selected}
      onMonthChange={(month, year) => setView({ month, year })} onChange={({ start: s, end: e }) => onChange(asDay(s), asDay(e || s))} />
  );
}

/** The filter bar; onChange receives the whole new filter state. */
export function ConversionFilters({ filters, onChange }) {
  const set = (patch) => onChange({ ...filters, ...patch });
  const pickPreset = (preset) => {
    const r = presetRange(preset);
    set(r ? { preset, ...r } : { preset, from: filters.from, to: filters.to });
  };
  const dateLabel = () => {
    const p = DATE_PRESETS.find((d) => d.value === filters.preset);
    if (p && p.value !== 'custom') return p.label;
    if (!filters.from) return 'Custom range';
    return filters.from === filters.to ? formatDate(filters.from) : `${formatDate(filters.from)} – ${formatDate(filters.to)}`;
  };
  const defs = [
    {
      key: 'date', label: 'Date', pinned: true,
      filter: (
        <BlockStack gap="300">
          <ChoiceList title="Date" titleHidden choices={DATE_PRESETS} selected={filters.preset ? [filters.preset] : []} onChange={(v) => pickPreset(v[0])} />
          {filters.preset === 'custom' && <RangeCalendar from={filters.from} to={filters.to} onChange={(from, to) => set({ preset: 'custom', from, to })} />}
        </BlockStack>
      ),
    },
    {
      key: 'status', label: 'Status', pinned: true,
      filter: <ChoiceList title="Status" titleHidden allowMultiple choices={STATUS_CHOICES} selected={filters.statuses} onChange={(statuses) => set({ statuses })} />,
    },
  ];
  const applied = [];
  if (filters.preset && (filters.from || filters.preset !== 'custom')) {
    applied.push({ key: 'date', label: `Date: ${dateLabel()}`, onRemove: () => set({ preset: '', from: '', to: '' }) });
  }
  if (filters.statuses.length) {
    const names = filters.statuses.map((s) => (STATUS_CHOICES.find((c) => c.value === s) || { label: s }).label);
    applied.push({ key: 'status', label: `Status: ${names.join(', ')}`, onRemove: () => set({ statuses: [] }) });
  }
  return (
    <Filters queryValue={filters.q} queryPlaceholder="Search by order, code or affiliate" onQueryChange={(q) => set({ q })}
      onQueryClear={() => set({ q: '' })} filters={defs} appliedFilters={applied} onClearAll={() => onChange(NO_FILTERS)} />
  );
}
