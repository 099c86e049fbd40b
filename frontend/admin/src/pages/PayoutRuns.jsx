// The Payouts page's list of runs: each opens its detail page, where the
// merchant follows every item and retries the failed ones.
import { Badge, BlockStack, Card, IndexTable, InlineStack, Link, Text, useBreakpoints } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { navigate } from '../router.jsx';
import { ErrorBanner, formatDate } from '../ui.jsx';
import { inFlight, methodLabel, totalsText } from '../payoutRuns.js';

/** Whether a run needs the merchant, is still going, or is done. */
function RunState({ totals }) {
  const t = totals || {};
  if ((t.failed && t.failed.count) || (t.returned && t.returned.count)) return <Badge tone="critical">Needs attention</Badge>;
  if (inFlight(t)) return <Badge tone="info">Sending</Badge>;
  if (t.unclaimed && t.unclaimed.count) return <Badge tone="warning">Waiting for claims</Badge>;
  return <Badge tone="success">Done</Badge>;
}

/** The runs, newest first; nothing at all before the first run. */
export function PayoutRuns() {
  const runs = useApi('/payouts/runs');
  const { smUp } = useBreakpoints();
  const list = (runs.data && runs.data.data) || [];
  if (!runs.error && list.length === 0) return null;
  const open = (id) => navigate(`/payouts/runs/${id}`);
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) var(--p-space-200)' }}>
          <Text as="h2" variant="headingMd">Payout runs</Text>
        </div>
        <ErrorBanner error={runs.error} onRetry={runs.reload} />
        <IndexTable resourceName={{ singular: 'payout run', plural: 'payout runs' }} itemCount={list.length} selectable={false} loading={runs.loading}
          headings={smUp ? [{ title: 'Run' }, { title: 'Started' }, { title: 'Method' }, { title: 'Payouts', alignment: 'end' }, { title: 'Total', alignment: 'end' }, { title: 'Status' }]
            : [{ title: 'Run' }, { title: 'Status' }]}>
          {list.map((r, i) => (
            <IndexTable.Row id={String(r.id)} key={r.id} position={i} onClick={() => open(r.id)}>
              {smUp ? (
                <>
                  <IndexTable.Cell><Link url={`/payouts/runs/${r.id}`} removeUnderline dataPrimaryLink>Run #{r.id}</Link></IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(r.created_at)}</IndexTable.Cell>
                  <IndexTable.Cell>{methodLabel(r.method)}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{r.payout_count}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(r.total, r.currency)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <InlineStack><RunState totals={r.totals} /></InlineStack>
                      <Text as="span" tone="subdued" variant="bodySm">{totalsText(r.totals, r.currency)}</Text>
                    </BlockStack>
                  </IndexTable.Cell>
                </>
              ) : (
                <>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Link url={`/payouts/runs/${r.id}`} removeUnderline dataPrimaryLink>Run #{r.id}</Link>
                      <Text as="span" tone="subdued" variant="bodySm">{formatDate(r.created_at)} · {methodLabel(r.method)}</Text>
                      <Text as="span" numeric>{formatMoney(r.total, r.currency)} to {r.payout_count} affiliate{r.payout_count === 1 ? "" : "s"}</Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell><RunState totals={r.totals} /></IndexTable.Cell>
                </>
              )}
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
