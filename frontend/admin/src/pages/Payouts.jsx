// Payouts: what each affiliate can be paid, marking it paid, the CSV.
import { useState } from 'react';
import { BlockStack, Button, Card, DataTable, Modal, Page, Text, TextField } from '@shopify/polaris';
import { api, download } from '../api.js';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { Empty, ErrorBanner, Loading, formatDate, useApp } from '../ui.jsx';

/** The Payouts page. */
export function Payouts() {
  const { toast } = useApp();
  const balances = useApi('/balances');
  const payouts = useApi('/payouts');
  const affs = useApi('/affiliates?per_page=200');
  const [paying, setPaying] = useState(null);
  const names = new Map(((affs.data && affs.data.data) || []).map((a) => [a.id, a.name]));
  const payable = ((balances.data && balances.data.data) || []).filter((b) => b.approved > 0);
  const onHold = ((balances.data && balances.data.data) || []).filter((b) => b.pending > 0 && b.next_payable_at)
    .sort((a, b) => a.next_payable_at.localeCompare(b.next_payable_at));
  const exportCSV = async () => {
    try {
      await download('/payouts/export.csv', `payouts-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      toast(e.message, true);
    }
  };
  const done = () => { setPaying(null); balances.reload(); payouts.reload(); };
  return (
    <Page title="Payouts" subtitle="Commission past its hold period, ready to pay. Pay affiliates your usual way, then mark it paid here."
      primaryAction={{ content: 'Export CSV', onAction: exportCSV, disabled: !payable.length }}>
      <BlockStack gap="400">
        <ErrorBanner error={balances.error} onRetry={balances.reload} />
        {!balances.data ? <Loading /> : payable.length === 0 ? (
          <Empty heading="Nothing to pay yet">
            Commission becomes payable when its hold period ends without a refund.
            {onHold.length ? ` The next commission becomes payable on ${formatDate(onHold[0].next_payable_at)}.` : ''}
          </Empty>
        ) : (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Ready to pay</Text>
              <DataTable columnContentTypes={['text', 'numeric', 'numeric', 'numeric', 'text']} headings={['Affiliate', 'Approved', 'Pending', 'Paid so far', '']}
                rows={payable.map((b) => [names.get(b.affiliate_id) || `#${b.affiliate_id}`, formatMoney(b.approved, b.currency), formatMoney(b.pending, b.currency), formatMoney(b.paid, b.currency),
                  <Button key={`${b.affiliate_id}-${b.currency}`} size="slim" onClick={() => setPaying(b)}>Mark as paid</Button>])} />
            </BlockStack>
          </Card>
        )}
        {onHold.length > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">On hold</Text>
              <Text as="p" tone="subdued">Pending commission becomes payable on its own when its hold period ends; each order’s date is on the Conversions page.</Text>
              <DataTable columnContentTypes={['text', 'numeric', 'text']} headings={['Affiliate', 'Pending', 'Next payable on']}
                rows={onHold.map((b) => [names.get(b.affiliate_id) || `#${b.affiliate_id}`, formatMoney(b.pending, b.currency), formatDate(b.next_payable_at)])} />
            </BlockStack>
          </Card>
        )}
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Paid</Text>
            {payouts.data && payouts.data.data.length ? (
              <DataTable columnContentTypes={['text', 'text', 'numeric', 'text']} headings={['Date', 'Affiliate', 'Amount', 'Reference']}
                rows={payouts.data.data.map((p) => [formatDate(p.paid_at), names.get(p.affiliate_id) || `#${p.affiliate_id}`, formatMoney(p.amount, p.currency), p.reference || '—'])} />
            ) : <Text as="p" tone="subdued">No payouts recorded yet.</Text>}
          </BlockStack>
        </Card>
      </BlockStack>
      {paying && <PayModal balance={paying} name={names.get(paying.affiliate_id)} onClose={() => setPaying(null)} onDone={done} />}
    </Page>
  );
}

function PayModal({ balance, name, onClose, onDone }) {
  const { toast } = useApp();
  const [reference, setReference] = useState('');
  const [error, setError] = useState(null);
  const pay = async () => {
    try {
      await api('/payouts', { method: 'POST', body: { affiliate_id: balance.affiliate_id, currency: balance.currency, reference } });
      toast('Payout recorded');
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Pay ${name || 'affiliate'}`} primaryAction={{ content: `Mark ${formatMoney(balance.approved, balance.currency)} as paid`, onAction: pay }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Record that you paid {name} their approved commission of {formatMoney(balance.approved, balance.currency)}.</Text>
          <TextField label="Reference" value={reference} onChange={setReference} autoComplete="off" helpText="A bank transfer or PayPal id, for your records." />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
