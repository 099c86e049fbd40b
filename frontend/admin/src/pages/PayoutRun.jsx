// "Pay everyone payable": one payout per affiliate at or above the
// minimum, in one request whose key makes a double click harmless.
import { useState } from 'react';
import { Banner, BlockStack, DataTable, Modal, Text, TextField } from '@shopify/polaris';
import { api, download } from '../api.js';
import { formatMoney } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';
import { minus } from './PayoutHistory.jsx';

export function newKey() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `run-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The confirmation, then the result with the run's CSV. */
export function PayoutRunModal({ plan, onClose, onDone }) {
  const { toast } = useApp();
  const [key] = useState(newKey);
  const [method, setMethod] = useState('');
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [run, setRun] = useState(null);
  const cur = plan.currency;
  const pay = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const r = await api('/payouts/runs', { method: 'POST', body: { idempotency_key: key, method, reference } });
      setRun(r);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const csv = async () => {
    try {
      await download(`/payouts/runs/${run.id}/export.csv`, `payout-run-${run.id}.csv`);
    } catch (e) {
      toast(e.message, true);
    }
  };
  if (run) {
    return (
      <Modal open onClose={onClose} title="Payouts recorded" primaryAction={{ content: 'Download CSV', onAction: csv }} secondaryActions={[{ content: 'Done', onAction: onClose }]}>
        <Modal.Section>
          <BlockStack gap="300">
            <Banner tone="success">{run.payout_count === 1 ? 'One affiliate' : `${run.payout_count} affiliates`} marked as paid, {formatMoney(run.total, run.currency)} in all. Download the CSV to send the money your usual way.</Banner>
            <Text as="p" tone="subdued">Find each payout, and what it covered, under Payout history on this page.</Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    );
  }
  return (
    <Modal open onClose={onClose} title="Pay everyone payable"
      primaryAction={{ content: `Mark ${formatMoney(plan.total, cur)} as paid`, onAction: pay, loading: busy, disabled: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">This records one payout for each of these affiliates. Send the money yourself (the CSV lists it), then keep the reference here.</Text>
          <DataTable columnContentTypes={['text', 'numeric']} headings={['Affiliate', 'Payout']}
            rows={plan.payable.map((l) => [l.affiliate_name, <BlockStack key="p" gap="050" inlineAlign="end">
              <span>{formatMoney(l.approved, cur)}</span>
              {l.carried < 0 && <Text as="span" tone="subdued" variant="bodySm">carried from earlier payouts: {minus(l.carried, cur)}</Text>}
            </BlockStack>])}
            totals={['', formatMoney(plan.total, cur)]} showTotalsInFooter />
          {plan.below_minimum.length > 0 && (
            <Text as="p" tone="subdued">{plan.below_minimum.length === 1 ? 'One affiliate is' : `${plan.below_minimum.length} affiliates are`} below the {formatMoney(plan.min_payout, cur)} minimum and will be paid once they reach it.</Text>
          )}
          <TextField label="Method" value={method} onChange={setMethod} autoComplete="off" placeholder="PayPal, bank transfer…" maxLength={100} />
          <TextField label="Reference" value={reference} onChange={setReference} autoComplete="off" helpText="A batch or transfer id, for your records." maxLength={200} />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
