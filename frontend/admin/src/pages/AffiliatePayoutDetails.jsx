// How the affiliate is paid: the method and details they chose in their
// portal (opened for the merchant), who set them, and a form to set or
// override them.
import { useState } from 'react';
import { BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { formErrors } from '../formErrors.js';
import { formatDate, useApp } from '../ui.jsx';

export const METHODS = {
  paypal: 'PayPal',
  stripe_connect: 'Stripe Connect',
  store_credit: 'Store credit (Shopify)',
  manual: 'Manual (bank transfer or other)',
  bank: 'Manual (bank transfer or other)',
};
const CONNECT_STATES = { not_started: 'not connected yet', onboarding: 'onboarding not finished', enabled: 'ready to receive payouts' };
const FIELDS = ['method', 'paypal_email', 'bank_details'];

/** Who changed the method, in words. */
function byWhom(actor) {
  if (actor === 'affiliate') return 'the affiliate, in their portal';
  if (actor === 'stripe') return 'Stripe';
  return actor;
}

/** The "Payout details" card of an affiliate's page. */
export function AffiliatePayoutDetails({ affiliate, onSaved }) {
  const details = affiliate.payout_details;
  const [editing, setEditing] = useState(false);
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">Payout details</Text>
          {!editing && <Button variant="plain" onClick={() => setEditing(true)}>{details ? 'Change' : 'Set'}</Button>}
        </InlineStack>
        {details ? (
          <BlockStack gap="100">
            <Text as="p" variant="bodySm" tone="subdued">{METHODS[details.method] || details.method}</Text>
            {details.value && <Text as="p" breakWord>{details.value}</Text>}
            {details.method === 'stripe_connect' && (
              <Text as="p">Stripe account: {CONNECT_STATES[details.connect_state] || details.connect_state}</Text>
            )}
            {details.updated_at && (
              <Text as="p" variant="bodySm" tone="subdued">
                Updated {formatDate(details.updated_at)}{details.updated_by ? ` by ${byWhom(details.updated_by)}` : ''}
              </Text>
            )}
          </BlockStack>
        ) : <Text as="p" tone="subdued">Not entered yet — the affiliate adds them in their portal, or set them here.</Text>}
        {editing && <PayoutMethodForm affiliate={affiliate} onDone={(saved) => { setEditing(false); if (saved) onSaved(); }} />}
      </BlockStack>
    </Card>
  );
}

/** Sets or overrides the affiliate's payout method. */
function PayoutMethodForm({ affiliate, onDone }) {
  const { toast } = useApp();
  const d = affiliate.payout_details;
  const offered = affiliate.payout_methods || ['paypal', 'manual'];
  const current = d && d.method === 'bank' ? 'manual' : d && d.method;
  const [f, setF] = useState({
    method: offered.includes(current) ? current : offered[0],
    paypal_email: d && d.method === 'paypal' ? d.value : '',
    bank_details: d && (d.method === 'manual' || d.method === 'bank') ? d.value : '',
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState(null);
  const errs = formErrors(error, FIELDS);
  const set = (k) => (v) => { setF({ ...f, [k]: v }); setError(null); };
  const save = async () => {
    setSaving(true);
    try {
      const body = { method: f.method };
      if (f.method === 'paypal') body.paypal_email = f.paypal_email;
      if (f.method === 'manual') body.bank_details = f.bank_details;
      await api(`/affiliates/${affiliate.id}/payout-details`, { method: 'PUT', body });
      toast('Payout details saved');
      onDone(true);
    } catch (e) {
      if (formErrors(e, FIELDS).general) toast(e.message, true);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <BlockStack gap="200">
      <FormLayout>
        <Select label="Pay by" options={offered.map((m) => ({ label: METHODS[m] || m, value: m }))} value={f.method}
          onChange={set('method')} error={errs.fields.method} />
        {f.method === 'paypal' && (
          <TextField label="PayPal email" type="email" value={f.paypal_email} onChange={set('paypal_email')} autoComplete="off" error={errs.fields.paypal_email} />
        )}
        {f.method === 'manual' && (
          <TextField label="Bank details" value={f.bank_details} onChange={set('bank_details')} autoComplete="off" error={errs.fields.bank_details}
            helpText="Account holder, IBAN (or account number and sort code)." />
        )}
        {f.method === 'store_credit' && <Text as="p" tone="subdued">Store credit goes to the Shopify customer with {affiliate.email}.</Text>}
        {f.method === 'stripe_connect' && <Text as="p" tone="subdued">The affiliate connects their Stripe account from their portal.</Text>}
      </FormLayout>
      <Text as="p" variant="bodySm" tone="subdued">The change is recorded with your name.</Text>
      <InlineStack align="end" gap="200">
        <Button onClick={() => onDone(false)}>Cancel</Button>
        <Button variant="primary" onClick={save} loading={saving}>Save payout details</Button>
      </InlineStack>
    </BlockStack>
  );
}
