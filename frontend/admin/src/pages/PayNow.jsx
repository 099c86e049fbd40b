// "Pay now" on the Payouts page: a run through PayPal, Stripe Connect or
// store credit for everyone payable by that method, after a confirmation
// that says who is paid, how much, and who is left out and why.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Link, List, Modal, Text } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { navigate } from '../router.jsx';
import { ErrorBanner } from '../ui.jsx';
import { methodLabel } from '../payoutRuns.js';
import { newKey } from './PayoutRun.jsx';

const starts = { paypal: '/payouts/runs/paypal', stripe_connect: '/payouts/runs/stripe', store_credit: '/payouts/runs/store-credit' };

const plural = (n) => (n === 1 ? 'one affiliate' : `${n} affiliates`);

/** One method's preview: nothing until loaded, and nothing when no affiliate uses it. */
function usePreview(method) {
  const p = useApi(`/payouts/runs/preview?method=${method}`);
  return { method, ...p };
}

/** The "Pay through a platform" card; nothing when no affiliate is payable by one. */
export function PayNow() {
  const previews = [usePreview('paypal'), usePreview('stripe_connect'), usePreview('store_credit')];
  const [open, setOpen] = useState(null);
  const shown = previews.filter((p) => p.data && p.data.payable.length + p.data.skipped.length > 0);
  if (shown.length === 0) return null;
  const reload = () => previews.forEach((p) => p.reload());
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Pay through a platform</Text>
        <Text as="p" tone="subdued">Send the money now to the affiliates who chose each method. <Link url="/settings">Set a monthly schedule in Settings</Link>.</Text>
        {shown.map(({ method, data }) => (
          <InlineStack key={method} align="space-between" blockAlign="center" gap="200" wrap>
            <BlockStack gap="050">
              <Text as="h3" variant="headingSm">{methodLabel(method)}</Text>
              <Text as="p" tone="subdued">
                {data.payable.length ? `${plural(data.payable.length)} · ${formatMoney(data.total, data.currency)}` : 'Nobody can be paid yet'}
                {data.skipped.length ? ` · ${data.skipped.length} skipped` : ''}
              </Text>
            </BlockStack>
            <Button onClick={() => setOpen(data)} disabled={!data.payable.length} accessibilityLabel={`Pay now through ${methodLabel(method)}`}>Pay now</Button>
          </InlineStack>
        ))}
      </BlockStack>
      {open && <PayNowModal preview={open} onClose={() => { setOpen(null); reload(); }} />}
    </Card>
  );
}

/** The confirmation; one key per modal, so a double click or a retry pays once. */
function PayNowModal({ preview, onClose }) {
  const [key] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const { method, currency: cur } = preview;
  const label = methodLabel(method);
  const pay = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const run = await api(starts[method], { method: 'POST', body: { idempotency_key: key } });
      navigate(`/payouts/runs/${run.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Pay ${plural(preview.payable.length)} through ${label}`}
      primaryAction={{ content: `Send ${formatMoney(preview.total, cur)}`, onAction: pay, loading: busy, disabled: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          {error && method === 'paypal' && /PayPal/.test(error.message) && <Text as="p"><Link url="/settings">Enter your PayPal app in Settings</Link>.</Text>}
          <Text as="p">This sends {formatMoney(preview.total, cur)} to {plural(preview.payable.length)} through {label} now. Each affiliate’s approved balance is paid in full; you can follow each payment on the run’s page.</Text>
          <DataTable columnContentTypes={['text', 'numeric']} headings={['Affiliate', 'Payout']}
            rows={preview.payable.map((l) => [l.affiliate_name, formatMoney(l.amount, cur)])}
            totals={['', formatMoney(preview.total, cur)]} showTotalsInFooter />
          {preview.skipped.length > 0 && (
            <Banner tone="warning" title={`${plural(preview.skipped.length)} will be skipped`}>
              <List>
                {preview.skipped.map((l) => <List.Item key={l.affiliate_id}>{l.affiliate_name} ({formatMoney(l.amount, cur)}): {l.reason}</List.Item>)}
              </List>
            </Banner>
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
