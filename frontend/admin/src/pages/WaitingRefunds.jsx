// Refunds kept because their order never arrived: usually a mistyped
// order id. Listed with how long each has waited, the longest first.
import { useState } from 'react';
import { Badge, BlockStack, Box, Card, IndexTable, Text, useBreakpoints } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { Empty, ErrorBanner, formatDate, TablePager } from '../ui.jsx';

const PER_PAGE = 25;
const DAY = 86400;

/** How long a refund has waited, in words: "3 hours", "2 days". */
export function waitedFor(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  const [n, unit] = s >= DAY ? [Math.floor(s / DAY), 'day'] : s >= 3600 ? [Math.floor(s / 3600), 'hour'] : [Math.max(1, Math.floor(s / 60)), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** What a waiting refund takes back, in words. */
function refunded(r) {
  if (r.full) return 'Whole order';
  return formatMoney(r.subtotal || r.amount, r.currency);
}

/** The refunds waiting for their order, each with its age. */
export function WaitingRefundsList() {
  const [page, setPage] = useState(1);
  const { smUp } = useBreakpoints();
  const list = useApi(`/refunds/waiting?per_page=${PER_PAGE}&page=${page}`);
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  if (!list.loading && !list.error && rows.length === 0) {
    return <Empty heading="No refund is waiting for its order">Every refund reported so far found its order. A refund that arrives before its order waits here until the order comes.</Empty>;
  }
  return (
    <BlockStack gap="400">
      <ErrorBanner error={list.error} onRetry={list.reload} />
      <Card padding="0">
        <Box padding="300">
          <Text as="p" tone="subdued">These refunds name an order Codecredit has not credited. They are applied as soon as it arrives; one waiting for more than a day usually has a mistyped order id.</Text>
        </Box>
        <IndexTable resourceName={{ singular: 'waiting refund', plural: 'waiting refunds' }} itemCount={rows.length} selectable={false} loading={list.loading}
          headings={smUp ? [{ title: 'Order id' }, { title: 'Refund' }, { title: 'Refunded' }, { title: 'Waiting for' }] : [{ title: 'Waiting refund' }, { title: 'Waiting for' }]}>
          {rows.map((r, i) => {
            const age = <Badge tone={r.age_seconds >= DAY ? 'warning' : undefined}>{waitedFor(r.age_seconds)}</Badge>;
            return (
              <IndexTable.Row id={String(r.id)} key={r.id} position={i}>
                {smUp ? (
                  <>
                    <IndexTable.Cell><Text as="span" fontWeight="semibold">{r.order_id}</Text></IndexTable.Cell>
                    <IndexTable.Cell>{r.refund_id} · {formatDate(r.refunded_at)}</IndexTable.Cell>
                    <IndexTable.Cell>{refunded(r)}</IndexTable.Cell>
                    <IndexTable.Cell>{age}</IndexTable.Cell>
                  </>
                ) : (
                  <>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        <Text as="span" fontWeight="semibold">Order {r.order_id}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">Refund {r.refund_id}: {refunded(r)}</Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{age}</IndexTable.Cell>
                  </>
                )}
              </IndexTable.Row>
            );
          })}
        </IndexTable>
        <TablePager page={page} perPage={PER_PAGE} total={total} onPage={setPage} />
      </Card>
    </BlockStack>
  );
}
