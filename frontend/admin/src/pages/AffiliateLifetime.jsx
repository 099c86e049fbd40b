// An affiliate's own lifetime attribution window: the program's, for
// ever, a number of days or none; saved with PATCH /affiliates/:id.
import { useState } from 'react';
import { BlockStack, Button, Card, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { formErrors } from '../formErrors.js';
import { overrideForm, overrideValue, programText } from '../lifetime.js';
import { Link } from '../router.jsx';
import { useApp } from '../ui.jsx';

/** The override card of affiliate a; onSaved reloads the affiliate. */
export function AffiliateLifetime({ a, onSaved }) {
  const { settings, toast } = useApp();
  const [f, setF] = useState(() => overrideForm(a.lifetime_days));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const program = settings && settings.lifetime;
  const v = overrideValue(f);
  const errs = formErrors(error, ['lifetime_days']);
  const saved = overrideValue(overrideForm(a.lifetime_days)).value;
  const set = (k) => (x) => { setF({ ...f, [k]: x }); setError(null); };
  const save = async () => {
    setSaving(true);
    try {
      await api(`/affiliates/${a.id}`, { method: 'PATCH', body: { lifetime_days: v.value } });
      toast('Customer window saved');
      onSaved();
    } catch (e) {
      if (formErrors(e, ['lifetime_days']).general) toast(e.message, true);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const options = [
    { label: `Program’s setting (${programText(program)})`, value: 'program' },
    { label: 'For ever', value: 'forever' },
    { label: 'A number of days', value: 'days' },
    { label: 'None', value: 'none' },
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Customers they bring</Text>
        <Text as="p" tone="subdued">How long a customer’s later orders without a code earn for {a.name}.</Text>
        <Select label="Keep customers" options={options} value={f.choice} onChange={set('choice')} error={f.choice === 'days' ? undefined : errs.fields.lifetime_days} />
        {f.choice === 'days' && (
          <TextField label="Days after the customer’s first order" suffix="days" value={f.days} onChange={set('days')} autoComplete="off" inputMode="numeric"
            error={v.error || errs.fields.lifetime_days || undefined} />
        )}
        {f.choice === 'none' && <Text as="p" tone="subdued" variant="bodySm">Only orders with {a.name}’s code earn for them.</Text>}
        {program && !program.on && f.choice !== 'none' && (
          <Text as="p" tone="subdued" variant="bodySm">Lifetime attribution is off for your program: this applies once you turn it on in <Link url="/settings">Settings</Link>.</Text>
        )}
        <InlineStack align="end">
          <Button variant="primary" onClick={save} accessibilityLabel={`Save how long ${a.name} keeps customers`} loading={saving} disabled={!!v.error || v.value === saved}>Save</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
