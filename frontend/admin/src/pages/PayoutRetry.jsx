// "Retry failed items": the confirmation, then what was sent again.
import { useState } from 'react';
import { BlockStack, DataTable, Modal, Text } from '@shopify/polaris';
import { api } from '../api.js';
import { formatMoney } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';
import { reasonParts } from '../payoutRuns.js';

/** Confirms the retry of a run's retryable items and sends it once. */
export function RetryModal({ run, items, onClose, onDone }) {
  const { toast } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const retry = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const r = await api(`/payouts/runs/${run.id}/retry`, { method: 'POST' });
      toast(`${r.count === 1 ? 'One payout' : `${r.count} payouts`} sent again to PayPal: ${formatMoney(r.total, r.currency)}`);
      onDone();
      onClose();
    } catch (e) {
      setError(e);
      if (e.status === 409) onDone();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title="Retry failed items"
      primaryAction={{ content: `Pay ${formatMoney(run.retryable_amount, run.currency)} again`, onAction: retry, loading: busy, disabled: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">PayPal did not pay these affiliates and their money is back in their balance. Each is paid again once, to the PayPal email they have now, in a new PayPal payment.</Text>
          <DataTable columnContentTypes={['text', 'text', 'numeric']} headings={['Affiliate', 'Why it failed', 'Was']}
            rows={items.map((it) => [it.affiliate_name || 'Removed affiliate', reasonParts(it).words || it.platform_status || 'Failed', formatMoney(it.amount, it.currency)])} />
          <Text as="p" tone="subdued">The amount sent is each affiliate’s approved balance now, which includes anything approved since.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
