// "Retry failed items": the confirmation, then what was sent again.
import { useState } from 'react';
import { BlockStack, InlineStack, Modal, Text } from '@shopify/polaris';
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
          <BlockStack gap="200">
            {items.map((it) => (
              <InlineStack key={it.payout_id} align="space-between" blockAlign="start" gap="300" wrap={false}>
                <BlockStack gap="050">
                  <Text as="span" fontWeight="semibold">{it.affiliate_name || 'Removed affiliate'}</Text>
                  <Text as="span" tone="subdued" variant="bodySm">{reasonParts(it).words || it.platform_status || 'Failed'}</Text>
                </BlockStack>
                <Text as="span" numeric>{formatMoney(it.amount, it.currency)}</Text>
              </InlineStack>
            ))}
          </BlockStack>
          <Text as="p" tone="subdued">The amount sent is each affiliate’s approved balance now, which includes anything approved since.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
