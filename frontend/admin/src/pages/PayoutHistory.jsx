// Payout history: every payout, opening to what it covered.
import { Badge, BlockStack, Button, DataTable, Divider, InlineStack, Link, Modal, Text, useBreakpoints } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { ErrorBanner, Loading, formatDate } from '../ui.jsx';
import { payoutWhen, statusInfo } from '../payoutRuns.js';

/** A payout's status and date; a badge only when it is not paid. */
export function PayoutWhen({ p }) {
  const s = statusInfo(p.status || 'paid');
  const line = payoutWhen(p, formatDate);
  if (s.value === 'paid') return <span>{line}</span>;
  return (
    <BlockStack gap="050">
      <InlineStack><Badge tone={s.tone}>{s.label}</Badge></InlineStack>
      <Text as="span" tone="subdued" variant="bodySm">{line.replace(`${s.label} `, '')}</Text>
      {p.status_reason && <Text as="span" tone="subdued" variant="bodySm" breakWord>{p.status_reason}</Text>}
    </BlockStack>
  );
}

/** "−$20.00" for a negative amount, with a real minus sign. */
export function minus(amount, currency) {
  return `−${formatMoney(Math.abs(amount), currency)}`;
}

/** "Mar 1 – Mar 9, 2026" (or one day) for a payout's orders. */
export function period(p) {
  if (!p.period_start) return '—';
  const a = formatDate(p.period_start);
  const b = formatDate(p.period_end);
  return a === b ? a : `${a} – ${b}`;
}

/** The list of payouts, newest first; a row opens its detail. */
export function PayoutHistory({ payouts, names, onOpen }) {
  if (!payouts.length) return <Text as="p" tone="subdued">No payouts recorded yet.</Text>;
  return (
    <DataTable columnContentTypes={['text', 'text', 'numeric', 'text', 'text', 'text']}
      headings={['Status', 'Affiliate', 'Amount', 'Method / reference', 'Orders placed', '']}
      rows={payouts.map((p) => [<PayoutWhen key="w" p={p} />, names.get(p.affiliate_id) || 'Removed affiliate',
        <BlockStack key="a" gap="050" inlineAlign="end">
          <span>{formatMoney(p.amount, p.currency)}</span>
          {p.carried < 0 && <Text as="span" tone="subdued" variant="bodySm">after {minus(p.carried, p.currency)} carried</Text>}
        </BlockStack>,
        <BlockStack key="m" gap="050">
          <span>{[p.method, p.reference].filter(Boolean).join(' · ') || '—'}</span>
          {p.run_id && <Link url={`/payouts/runs/${p.run_id}`}>Run #{p.run_id}: status</Link>}
        </BlockStack>, period(p),
        <Button key="o" size="slim" variant="plain" onClick={() => onOpen(p.id)}>What it covered</Button>])} />
  );
}

const kinds = { accrual: 'Commission', reversal: 'Refund before payout', adjustment: 'Adjustment' };

/** One payout and the ledger entries it settled. */
export function PayoutDetail({ id, onClose }) {
  const res = useApi(`/payouts/${id}`);
  const { smDown } = useBreakpoints();
  const p = res.data;
  return (
    <Modal open onClose={onClose} title={p ? `Payout to ${p.affiliate_name || 'a removed affiliate'}` : 'Payout'} secondaryActions={[{ content: 'Close', onAction: onClose }]} large>
      <Modal.Section>
        <ErrorBanner error={res.error} onRetry={res.reload} />
        {!p ? <Loading /> : (
          <BlockStack gap="300">
            <InlineStack gap="600" wrap>
              <Fact label="Status" value={payoutWhen(p, formatDate)} />
              <Fact label="Amount" value={formatMoney(p.amount, p.currency)} />
              <Fact label="Orders placed" value={period(p)} />
              <Fact label="Method / reference" value={[p.method, p.reference].filter(Boolean).join(' · ') || '—'} />
            </InlineStack>
            {p.carried < 0 && (
              <Text as="p">Carried from earlier payouts: <Text as="span" fontWeight="semibold">{minus(p.carried, p.currency)}</Text> (commission of orders refunded after it was paid), netted in this payout.</Text>
            )}
            {smDown ? <CoveredStacked p={p} /> : (
              <DataTable columnContentTypes={['text', 'text', 'text', 'numeric']} headings={['Order', 'Placed', 'What', 'Amount']}
                rows={p.items.map((it) => [it.order_number || it.order_id || '—', formatDate(it.placed_at), what(it), signed(it.amount, p.currency)])}
                totals={['', '', '', formatMoney(p.amount, p.currency)]} showTotalsInFooter />
            )}
          </BlockStack>
        )}
      </Modal.Section>
    </Modal>
  );
}

const what = (it) => (it.carried ? 'Carried: refunded after an earlier payout' : kinds[it.kind] || it.kind);
const signed = (amount, currency) => (amount < 0 ? minus(amount, currency) : formatMoney(amount, currency));

/** What a payout covered on a narrow screen: one stacked row per entry, nothing scrolling sideways. */
function CoveredStacked({ p }) {
  return (
    <BlockStack gap="200">
      {p.items.map((it) => (
        <BlockStack key={it.entry_id} gap="050">
          <InlineStack align="space-between" gap="200" wrap={false}>
            <Text as="span" fontWeight="semibold" breakWord>Order {it.order_number || it.order_id || '—'}</Text>
            <Text as="span" numeric>{signed(it.amount, p.currency)}</Text>
          </InlineStack>
          <Text as="span" tone="subdued" variant="bodySm">{what(it)} · placed {formatDate(it.placed_at)}</Text>
          <Divider />
        </BlockStack>
      ))}
      <InlineStack align="space-between">
        <Text as="span" fontWeight="semibold">Total</Text>
        <Text as="span" fontWeight="semibold" numeric>{formatMoney(p.amount, p.currency)}</Text>
      </InlineStack>
    </BlockStack>
  );
}

function Fact({ label, value }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">{label}</Text>
      <Text as="span" fontWeight="semibold">{value}</Text>
    </BlockStack>
  );
}
