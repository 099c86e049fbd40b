// The Commission page's "What commission is computed on": shipping, tax
// and discounts, each with a worked example at the program's default rate;
// a change is saved at once.
import { useState } from 'react';
import { BlockStack, Card, Checkbox, Text } from '@shopify/polaris';
import { api } from '../api.js';
import { baseExamples } from '../commissionRules.js';
import { useApp } from '../ui.jsx';

const saved = {
  shipping: ['Shipping now earns commission', 'Shipping no longer earns commission'],
  tax: ['Tax is now part of the commission base', 'Tax is no longer part of the commission base'],
  before_discount: ['Commission is now computed before discounts', 'Commission is now computed after discounts'],
};

/** The commission base, saved in the settings. */
export function CommissionBase() {
  const { settings, toast, reloadSettings } = useApp();
  const [busy, setBusy] = useState('');
  const [pending, setPending] = useState(null); // the choice being saved, shown at once
  const base = pending || settings.commission_base || { shipping: false, tax: false, before_discount: false };
  const ex = baseExamples(settings.default_commission, settings.currency, base);
  const toggle = (key) => async (on) => {
    const next = { ...base, [key]: on };
    setBusy(key);
    setPending(next);
    try {
      await api('/settings', { method: 'PUT', body: { commission_base: next } });
      toast(saved[key][on ? 0 : 1]);
      await reloadSettings();
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy('');
      setPending(null);
    }
  };
  const box = (key, label, help) => (
    <Checkbox label={label} checked={!!base[key]} disabled={busy !== ''} onChange={toggle(key)} helpText={help} />
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">What commission is computed on</Text>
        <Text as="p" tone="subdued">
          By default: what the goods sold for after discounts, without tax or shipping. {ex.intro}
        </Text>
        {box('shipping', 'Include shipping', ex.shipping)}
        {box('tax', 'Include tax', ex.tax)}
        {box('before_discount', 'Compute before discounts', ex.beforeDiscount)}
        <Text as="p" fontWeight="semibold">{ex.current}</Text>
        <Text as="p" tone="subdued" variant="bodySm">A change is saved at once and applies to orders booked from now on; commission already booked does not change.</Text>
      </BlockStack>
    </Card>
  );
}
