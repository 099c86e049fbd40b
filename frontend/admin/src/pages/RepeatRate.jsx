// The "Repeat customers earn" field of a commission rule (the program
// default's or an affiliate's own): empty, a repeat order earns the same
// as a first.
import { TextField } from '@shopify/polaris';

/** The repeat rate of a rule of kind, as typed; error is the field's, or ''. */
export function RepeatRateField({ kind, value, onChange, currency, error }) {
  return (
    <TextField label="Repeat customers earn" value={value} onChange={onChange} autoComplete="off" inputMode="decimal"
      suffix={kind === 'percent' ? '%' : currency} placeholder="Same as the first order" error={error || undefined}
      helpText={`Optional: ${kind === 'percent' ? 'the percent' : 'the amount per order'} a customer’s later orders earn, whichever code they use. Empty: the same as their first order.`} />
  );
}
