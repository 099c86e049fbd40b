// Payouts: what each affiliate can be paid, paying one or everyone
// payable, the CSV, and the history of payouts.
import { useState } from 'react';
import { BlockStack, Box, Button, Card, DataTable, Link, Modal, Page, Text, TextField, useBreakpoints } from '@shopify/polaris';
import { api, download } from '../api.js';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { Empty, ErrorBanner, Loading, formatDate, useApp } from '../ui.jsx';
import { PayoutDetail, PayoutHistory, minus } from './PayoutHistory.jsx';
import { PayoutRunModal } from './PayoutRun.jsx';
import { CompactPayouts, CompactReady } from './PayoutRows.jsx';
import { PayoutRuns } from './PayoutRuns.jsx';
import { PayNow } from './PayNow.jsx';
import { YearEndModal } from './YearEndReport.jsx';

/** The Payouts page. */
export function Payouts() {
  const { toast, settings } = useApp();
  const { smDown } = useBreakpoints();
  const balances = useApi('/balances');
  const plan = useApi('/payouts/payable');
  const payouts = useApi('/payouts');
  const affs = useApi('/affiliates?per_page=200');
  const [paying, setPaying] = useState(null);
  const [running, setRunning] = useState(false);
  const [open, setOpen] = useState(null);
  const [yearEnd, setYearEnd] = useState(false);
  const names = new Map(((affs.data && affs.data.data) || []).map((a) => [a.id, a.name]));
  const all = (balances.data && balances.data.data) || [];
  const cur = (plan.data && plan.data.currency) || (settings && settings.currency) || 'USD';
  const p = plan.data || { payable: [], below_minimum: [], negative: [], min_payout: 0, total: 0, currency: cur };
  // Balances in other currencies have no minimum: each is paid on its own.
  const others = all.filter((b) => b.currency !== cur && b.approved > 0);
  const ready = [...p.payable.map((l) => ({ ...l, currency: cur })), ...others.map((b) => ({ affiliate_id: b.affiliate_id, affiliate_name: b.affiliate_name, approved: b.approved, carried: 0, currency: b.currency }))];
  const onHold = all.filter((b) => b.pending > 0 && b.next_payable_at).sort((a, b) => a.next_payable_at.localeCompare(b.next_payable_at));
  const exportCSV = async () => {
    try {
      await download('/payouts/export.csv', `payouts-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      toast(e.message, true);
    }
  };
  const reload = () => { balances.reload(); plan.reload(); payouts.reload(); };
  const done = () => { setPaying(null); reload(); };
  const nameOf = (l) => l.affiliate_name || names.get(l.affiliate_id) || 'Removed affiliate';
  const carried = (l) => (l.carried < 0 ? minus(l.carried, l.currency) : '—');
  return (
    <Page title="Payouts" subtitle="Commission past its hold period, ready to pay. Send it through PayPal, Stripe Connect or store credit, or pay your usual way and mark it paid here."
      primaryAction={{ content: 'Pay everyone payable', onAction: () => setRunning(true), disabled: !p.payable.length }}
      secondaryActions={[{ content: 'Export CSV', onAction: exportCSV, disabled: !ready.length },
        { content: 'Year-end report', onAction: () => setYearEnd(true) }]}>
      <BlockStack gap="400">
        <ErrorBanner error={balances.error || plan.error} onRetry={reload} />
        <Box paddingInline={{ xs: '400', sm: '0' }}>
          <Text as="p" tone="subdued">
            Minimum payout: {p.min_payout > 0 ? formatMoney(p.min_payout, cur) : 'none'}. <Link url="/settings">Change it in Settings</Link>.
          </Text>
        </Box>
        <PayNow />
        {!balances.data || !plan.data ? <Loading /> : ready.length === 0 ? (
          <Empty heading="Nothing to pay yet">
            Commission becomes payable when its hold period ends without a refund{p.min_payout > 0 ? ` and the balance reaches the ${formatMoney(p.min_payout, cur)} minimum` : ''}.
            {onHold.length ? ` The next commission becomes payable on ${formatDate(onHold[0].next_payable_at)}.` : ''}
          </Empty>
        ) : (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Ready to pay</Text>
              {smDown ? <CompactReady rows={ready} nameOf={nameOf} onPay={setPaying} /> : (
                <DataTable columnContentTypes={['text', 'numeric', 'numeric', 'text']} headings={['Affiliate', 'Payable', 'Carried from earlier payouts', '']}
                  rows={ready.map((l) => [nameOf(l), formatMoney(l.approved, l.currency), carried(l),
                    <Button key={`${l.affiliate_id}-${l.currency}`} size="slim" onClick={() => setPaying(l)}>Mark as paid</Button>])} />
              )}
            </BlockStack>
          </Card>
        )}
        {p.below_minimum.length > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Below the minimum</Text>
              <Text as="p" tone="subdued">Paid once their approved balance reaches {formatMoney(p.min_payout, cur)}.</Text>
              <DataTable columnContentTypes={['text', 'numeric', 'numeric']} headings={['Affiliate', 'Approved', 'Needs']}
                rows={p.below_minimum.map((l) => [l.affiliate_name, formatMoney(l.approved, cur), `${formatMoney(l.needs, cur)} more`])} />
            </BlockStack>
          </Card>
        )}
        {p.negative.length > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Negative balances</Text>
              <Text as="p" tone="subdued">Orders refunded after their commission was paid. Nothing is paid to these affiliates; the amount is taken from their next payout.</Text>
              <DataTable columnContentTypes={['text', 'numeric']} headings={['Affiliate', 'Balance']}
                rows={p.negative.map((l) => [l.affiliate_name, minus(l.approved, cur)])} />
            </BlockStack>
          </Card>
        )}
        {onHold.length > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">On hold</Text>
              <Text as="p" tone="subdued">Pending commission becomes payable on its own when its hold period ends; each order’s date is on the Conversions page.</Text>
              <DataTable columnContentTypes={['text', 'numeric', 'text']} headings={['Affiliate', 'Pending', 'Next payable on']}
                rows={onHold.map((b) => [names.get(b.affiliate_id) || b.affiliate_name || 'Removed affiliate', formatMoney(b.pending, b.currency), formatDate(b.next_payable_at)])} />
            </BlockStack>
          </Card>
        )}
        <PayoutRuns />
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Payout history</Text>
            {!payouts.data ? <Loading /> : smDown ? <CompactPayouts payouts={payouts.data.data} names={names} onOpen={setOpen} />
              : <PayoutHistory payouts={payouts.data.data} names={names} onOpen={setOpen} />}
          </BlockStack>
        </Card>
      </BlockStack>
      {paying && <PayModal balance={paying} name={paying.affiliate_name || names.get(paying.affiliate_id)} onClose={() => setPaying(null)} onDone={done} />}
      {running && <PayoutRunModal plan={p} onClose={() => setRunning(false)} onDone={reload} />}
      {open && <PayoutDetail id={open} onClose={() => setOpen(null)} />}
      {yearEnd && <YearEndModal open onClose={() => setYearEnd(false)} />}
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
