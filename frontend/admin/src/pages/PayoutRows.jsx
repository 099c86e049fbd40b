// The Payouts page's tables on a narrow screen: each row stacked, its
// action on the same line as the affiliate, nothing scrolling sideways.
import { BlockStack, Button, Divider, InlineStack, Link, Text } from '@shopify/polaris';
import { formatMoney } from '../money.js';
import { PayoutWhen, minus, period } from './PayoutHistory.jsx';

function Rows({ children }) {
  const items = children.filter(Boolean);
  return (
    <BlockStack gap="300">
      {items.map((item, i) => (
        <BlockStack key={item.key} gap="300">
          {i > 0 && <Divider />}
          {item}
        </BlockStack>
      ))}
    </BlockStack>
  );
}

/** "Ready to pay", stacked: name and amount, then "Mark as paid". */
export function CompactReady({ rows, nameOf, onPay }) {
  return (
    <Rows>
      {rows.map((l) => (
        <InlineStack key={`${l.affiliate_id}-${l.currency}`} align="space-between" blockAlign="center" gap="200" wrap={false}>
          <BlockStack gap="050">
            <Text as="span" fontWeight="semibold" breakWord>{nameOf(l)}</Text>
            <Text as="span" numeric>{formatMoney(l.approved, l.currency)}</Text>
            {l.carried < 0 && <Text as="span" tone="subdued" variant="bodySm">after {minus(l.carried, l.currency)} carried from earlier payouts</Text>}
          </BlockStack>
          <Button size="slim" onClick={() => onPay(l)}>Mark as paid</Button>
        </InlineStack>
      ))}
    </Rows>
  );
}

/** The payout history, stacked: date and amount, affiliate, reference, period. */
export function CompactPayouts({ payouts, names, onOpen }) {
  if (!payouts.length) return <Text as="p" tone="subdued">No payouts recorded yet.</Text>;
  return (
    <Rows>
      {payouts.map((p) => (
        <BlockStack key={p.id} gap="100">
          <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
            <Text as="span" fontWeight="semibold" breakWord>{names.get(p.affiliate_id) || 'Removed affiliate'}</Text>
            <Text as="span" fontWeight="semibold" numeric>{formatMoney(p.amount, p.currency)}</Text>
          </InlineStack>
          <PayoutWhen p={p} />
          {p.carried < 0 && <Text as="p" tone="subdued" variant="bodySm">after {minus(p.carried, p.currency)} carried</Text>}
          <Text as="p" tone="subdued" variant="bodySm" breakWord>
            {[p.method, p.reference].filter(Boolean).join(' · ') || 'No reference'} · orders {period(p)}
          </Text>
          <InlineStack gap="400">
            <Button size="slim" variant="plain" onClick={() => onOpen(p.id)}>What it covered</Button>
            {p.run_id && <Link url={`/payouts/runs/${p.run_id}`}>Run #{p.run_id}: status</Link>}
          </InlineStack>
        </BlockStack>
      ))}
    </Rows>
  );
}
