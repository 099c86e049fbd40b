// The subscriptions report's month range: presets, or a first and a last
// month, kept in the URL; the date range picker over months.
import { MONTH_PRESETS, monthRangeError, presetMonths, readMonths, writeMonths } from '../months.js';
import { DateRange, useUrlRange } from './DateRange.jsx';

const MONTHS = {
  presets: MONTH_PRESETS, presetFor: presetMonths, errorOf: monthRangeError, label: 'Months', type: 'month', from: 'First month', to: 'Last month',
};

/** The months in the URL ({preset, from, to}), and a setter that writes them back. */
export function useUrlMonths() {
  return useUrlRange(readMonths, writeMonths);
}

/** Preset select, with first and last months for a custom range, then children. */
export function MonthRange({ range, onChange, children }) {
  return <DateRange range={range} onChange={onChange} kind={MONTHS}>{children}</DateRange>;
}
