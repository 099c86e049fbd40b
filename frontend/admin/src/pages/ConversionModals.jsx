// The Conversions page's dialogs: a conversion or an adjustment added by
// hand, and the review of a flagged self-referral. Each asks for a reason,
// which is kept with the change.
import { useState } from 'react';
import { Banner, FormLayout, Modal, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { parseSignedMoney } from '../conversions.js';
import { formatMoney, parseMoney } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';

function affiliateOptions(affiliates) {
  return [{ label: 'Choose an affiliate', value: '' },
    ...affiliates.filter((a) => a.status === 'active').map((a) => ({ label: `${a.name} (${a.email})`, value: String(a.id) }))];
}

function newKey() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `hand-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Sends body to path; shows the error if any. key is the dialog's
 * idempotency key (one per opening, so a double click or a retry books once). */
function useSubmit(onDone) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);
  const submit = async (path, body, message) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api(path, { method: 'POST', body });
      onDone(res, message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit, key };
}

/** Adds an order by hand; its commission is the affiliate's rule unless typed in. */
export function ManualConversionModal({ affiliates, onClose, onDone }) {
  const { settings, toast } = useApp();
  const currency = (settings && settings.currency) || 'USD';
  const [f, setF] = useState({ affiliate: '', order: '', amount: '', commission: '', date: new Date().toISOString().slice(0, 10), reason: '' });
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const amount = parseMoney(f.amount, currency);
  const commission = f.commission.trim() === '' ? undefined : parseMoney(f.commission, currency);
  const valid = f.affiliate && f.order.trim() && amount !== null && commission !== null && f.reason.trim() && /^\d{4}-\d{2}-\d{2}$/.test(f.date);
  const { error, busy, submit, key } = useSubmit((c) => { toast(`Order ${c.order_number} added: ${formatMoney(c.commission, c.currency)} commission`); onDone(); });
  const save = () => submit('/conversions', { affiliate_id: Number(f.affiliate), order_id: f.order.trim(), subtotal: amount,
    ...(commission !== undefined ? { commission } : {}), placed_at: f.date, reason: f.reason.trim(), idempotency_key: key });
  return (
    <Modal open title="Add a conversion by hand" onClose={onClose}
      primaryAction={{ content: 'Add conversion', onAction: save, disabled: !valid, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <FormLayout>
          <ErrorBanner error={error} />
          <Select label="Affiliate" options={affiliateOptions(affiliates)} value={f.affiliate} onChange={set('affiliate')} />
          <FormLayout.Group condensed>
            <TextField label="Order number or reference" value={f.order} onChange={set('order')} autoComplete="off" maxLength={255} />
            <TextField label="Order date" type="date" value={f.date} onChange={set('date')} autoComplete="off" />
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <TextField label="Order amount" suffix={currency} value={f.amount} onChange={set('amount')} autoComplete="off"
              helpText="After discounts, before tax and shipping" error={f.amount && amount === null ? 'Enter an amount like 49.90' : undefined} />
            <TextField label="Commission" suffix={currency} value={f.commission} onChange={set('commission')} autoComplete="off"
              helpText="Leave empty to use the affiliate's rule" error={commission === null ? 'Enter an amount like 4.99' : undefined} />
          </FormLayout.Group>
          <TextField label="Reason" value={f.reason} onChange={set('reason')} autoComplete="off" maxLength={500} showCharacterCount
            helpText="Kept with the conversion, e.g. “phone order the code did not reach”" />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

/** Adds a signed amount to an affiliate's payable balance. */
export function AdjustmentModal({ affiliates, onClose, onDone }) {
  const { settings, toast } = useApp();
  const currency = (settings && settings.currency) || 'USD';
  const [f, setF] = useState({ affiliate: '', amount: '', reason: '' });
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const amount = parseSignedMoney(f.amount, currency);
  const valid = f.affiliate && amount !== null && f.reason.trim();
  const { error, busy, submit, key } = useSubmit((e) => { toast(`Adjustment of ${formatMoney(e.amount, e.currency)} added`); onDone(); });
  return (
    <Modal open title="Add an adjustment" onClose={onClose}
      primaryAction={{ content: 'Add adjustment', onAction: () => submit('/adjustments', { affiliate_id: Number(f.affiliate), amount, reason: f.reason.trim(), idempotency_key: key }), disabled: !valid, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <FormLayout>
          <ErrorBanner error={error} />
          <Text as="p" tone="subdued">A bonus or a correction, payable at once. Use a minus sign to deduct, e.g. -5.00.</Text>
          <Select label="Affiliate" options={affiliateOptions(affiliates)} value={f.affiliate} onChange={set('affiliate')} />
          <TextField label="Amount" suffix={currency} value={f.amount} onChange={set('amount')} autoComplete="off"
            error={f.amount && amount === null ? 'Enter an amount other than zero, like 25.00 or -5.00' : undefined} />
          <TextField label="Reason" value={f.reason} onChange={set('reason')} autoComplete="off" maxLength={500} showCharacterCount
            helpText="Kept with the adjustment and shown in the list, e.g. “launch bonus”" />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

/** Approves or rejects a flagged self-referral, with a reason. */
export function ReviewModal({ conversion, action, onClose, onDone }) {
  const { toast } = useApp();
  const [reason, setReason] = useState('');
  const approve = action === 'approve';
  const { error, busy, submit } = useSubmit((r) => {
    toast(approve ? `Approved: ${formatMoney(r.conversion.commission - r.conversion.reversed_commission, r.conversion.currency)} commission booked` : 'Rejected: no commission');
    onDone();
  });
  return (
    <Modal open title={approve ? 'Approve this self-referral?' : 'Reject this self-referral?'} onClose={onClose}
      primaryAction={{ content: approve ? 'Approve and book commission' : 'Reject', destructive: !approve, disabled: !reason.trim(), loading: busy,
        onAction: () => submit(`/conversions/${conversion.id}/${action}`, { reason: reason.trim() }) }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <FormLayout>
          <ErrorBanner error={error} />
          <Banner tone={approve ? 'info' : 'warning'}>
            {approve
              ? 'The affiliate earns the commission their rule gives this order, held like any order’s. This cannot be undone.'
              : 'The order stays out of the affiliate’s balance for good. This cannot be undone.'}
          </Banner>
          <TextField label="Reason" value={reason} onChange={setReason} autoComplete="off" maxLength={500} showCharacterCount
            helpText="Kept with the decision, with who made it and when" />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}
