// The Settings page's lifetime attribution: whether a customer stays with
// the affiliate who brought them, for how long, and what a later order
// with another affiliate's code does; each choice with an example.
import { BlockStack, Checkbox, ChoiceList, Text, TextField } from '@shopify/polaris';

/**
 * The lifetime attribution fields of the settings form f (see
 * lifetimeForm); onChange gets the whole new form, error is the days
 * field's.
 */
export function LifetimeFields({ f, onChange, error }) {
  const set = (k) => (v) => onChange({ ...f, [k]: v });
  return (
    <BlockStack gap="400">
      <Checkbox label="Keep customers with the affiliate who brought them" checked={f.on} onChange={set('on')}
        helpText="A customer’s later orders without a code earn commission for the affiliate whose code they used first. Example: Ann first buys with SOFIA20; next month she orders again without a code, and Sofia earns commission on that order too." />
      {f.on && (
        <>
          <ChoiceList title="How long" selected={[f.forever ? 'forever' : 'days']} onChange={([v]) => onChange({ ...f, forever: v === 'forever' })}
            choices={[
              { label: 'For ever', value: 'forever', helpText: 'Every later order of the customer goes to the affiliate, however long after.' },
              {
                label: 'For a number of days after their first order', value: 'days',
                renderChildren: (selected) => selected && (
                  <BlockStack gap="100">
                    <TextField label="Days" labelHidden suffix="days" value={f.days} onChange={set('days')} autoComplete="off" inputMode="numeric" error={error || undefined} />
                    <Text as="p" tone="subdued" variant="bodySm">{exampleOfDays(f.days)}</Text>
                  </BlockStack>
                ),
              },
            ]} />
          <ChoiceList title="When a later order carries another affiliate’s code" selected={[f.codeWins ? 'new' : 'first']} onChange={([v]) => onChange({ ...f, codeWins: v === 'new' })}
            choices={[
              { label: 'The new code wins', value: 'new', helpText: 'Ann, brought by Sofia, buys with LEO10: Leo earns that order and Ann’s later orders without a code.' },
              { label: 'The first affiliate keeps the customer', value: 'first', helpText: 'Ann, brought by Sofia, buys with LEO10: Sofia still earns that order, and Leo earns nothing from Ann.' },
            ]} />
        </>
      )}
      <Text as="p" tone="subdued" variant="bodySm">Applies to orders booked from now on. An affiliate’s page can set their own window, or none.</Text>
    </BlockStack>
  );
}

/** "With 365 days: an order Ann places 366 days after her first earns no one anything." */
function exampleOfDays(text) {
  const n = Number(String(text).trim());
  if (!Number.isInteger(n) || n < 1) return 'Example: with 365 days, an order Ann places a year and a day after her first earns no one commission, unless it carries a code.';
  return `Example: with ${n} day${n === 1 ? '' : 's'}, an order Ann places ${n + 1} days after her first earns no one commission, unless it carries a code.`;
}
