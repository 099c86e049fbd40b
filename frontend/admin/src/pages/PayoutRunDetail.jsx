// One payout run: every item with its status and the platform's reason,
// the totals per status, and "Retry failed items" for those a retry can pay.
import { useState } from 'react';
import { Badge, Banner, BlockStack, Box, Card, IndexTable, InlineStack, Page, Text, useBreakpoints } from '@shopify/polaris';
import { useApi, useInterval } from '../hooks.js';
import { formatMoney } from '../money.js';
import { navigate } from '../router.jsx';
import { Empty, ErrorBanner, Loading, formatDate } from '../ui.jsx';
import { STATUSES, inFlight, latestItems, methodLabel, reasonParts, statusInfo } from '../payoutRuns.js';
import { RetryModal } from './PayoutRetry.jsx';

/** A status as a badge. */
function ItemBadge({ status }) {
  const s = statusInfo(status);
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

/** Lets text in a table cell wrap. */
function Wrap({ children, width }) {
  return <div style={{ whiteSpace: 'normal', overflowWrap: 'anywhere', maxWidth: width }}>{children}</div>;
}

/** The status, the platform's reason, and what a retry did or would do. */
function ItemState({ it, width }) {
  const why = reasonParts(it);
  return (
    <Wrap width={width}>
      <BlockStack gap="100">
        <InlineStack gap="200" blockAlign="center">
          <ItemBadge status={it.status} />
          {it.retry_of && <Text as="span" tone="subdued" variant="bodySm">Retry</Text>}
          {it.retried_by && <Text as="span" tone="subdued" variant="bodySm">Retried (see below)</Text>}
        </InlineStack>
        {why.words && <Text as="span" variant="bodySm">{why.words}</Text>}
        {why.code && it.status !== 'paid' && <Text as="span" tone="subdued" variant="bodySm">PayPal: {why.code}</Text>}
        {it.retryable && <Text as="span" tone="success" variant="bodySm">Can be retried</Text>}
        {!it.retried_by && it.retry_note && <Text as="span" tone="subdued" variant="bodySm">{it.retry_note}</Text>}
      </BlockStack>
    </Wrap>
  );
}

/** Totals per status, for the latest attempt of each item. */
function Totals({ totals, currency }) {
  const shown = STATUSES.filter((s) => totals[s.value] && totals[s.value].count > 0);
  return (
    <Card>
      <InlineStack gap="800" wrap>
        {shown.map((s) => (
          <BlockStack key={s.value} gap="100">
            <InlineStack gap="100" blockAlign="center"><Badge tone={s.tone}>{s.label}</Badge><Text as="span" tone="subdued">{totals[s.value].count}</Text></InlineStack>
            <Text as="span" variant="headingMd" numeric>{formatMoney(totals[s.value].amount, currency)}</Text>
          </BlockStack>
        ))}
      </InlineStack>
    </Card>
  );
}

/** Every item, retries after the items they retried. */
function Items({ items, currency }) {
  const { smUp } = useBreakpoints();
  return (
    <Card padding="0">
      <IndexTable resourceName={{ singular: 'payout', plural: 'payouts' }} itemCount={items.length} selectable={false}
        headings={smUp ? [{ title: 'Affiliate' }, { title: 'Method' }, { title: 'Amount', alignment: 'end' }, { title: 'Status' }, { title: 'Updated' }]
          : [{ title: 'Payout' }, { title: 'Status' }]}>
        {items.map((it, i) => (
          <IndexTable.Row id={String(it.payout_id)} key={it.payout_id} position={i}>
            {smUp ? (
              <>
                <IndexTable.Cell><Text as="span" fontWeight="semibold">{it.affiliate_name || 'Removed affiliate'}</Text></IndexTable.Cell>
                <IndexTable.Cell>{methodLabel(it.method)}</IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(it.amount, it.currency || currency)}</Text></IndexTable.Cell>
                <IndexTable.Cell><ItemState it={it} width="420px" /></IndexTable.Cell>
                <IndexTable.Cell>{formatDate(it.updated_at)}</IndexTable.Cell>
              </>
            ) : (
              <>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold" breakWord>{it.affiliate_name || 'Removed affiliate'}</Text>
                    <Text as="span" numeric>{formatMoney(it.amount, it.currency || currency)}</Text>
                    <Text as="span" tone="subdued" variant="bodySm">{methodLabel(it.method)} · {formatDate(it.updated_at)}</Text>
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell><ItemState it={it} width="170px" /></IndexTable.Cell>
              </>
            )}
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}

/** Retries follow the item they retried. */
function ordered(items) {
  const byRetry = new Map(items.filter((it) => it.retry_of).map((it) => [it.retry_of, it]));
  const out = [];
  for (const it of items.filter((x) => !x.retry_of)) {
    for (let cur = it; cur; cur = byRetry.get(cur.payout_id)) out.push(cur);
  }
  return out;
}

/** The run page. */
export function PayoutRunDetail({ id }) {
  const res = useApi(`/payouts/runs/${id}/items`);
  const [retrying, setRetrying] = useState(false);
  const v = res.data;
  const sending = !!v && inFlight(v.totals);
  useInterval(res.reload, 2000, sending && !retrying);
  const back = { content: 'Payouts', onAction: () => navigate('/payouts') };
  if (res.error && res.error.status === 404) {
    return (
      <Page title="Payout run" backAction={back}>
        <Banner tone="warning">This payout run does not exist, or belongs to another shop.</Banner>
      </Page>
    );
  }
  const latest = v ? latestItems(v.items) : [];
  const failedLeft = latest.filter((it) => it.status === 'failed' || it.status === 'returned');
  return (
    <Page title={`Payout run #${v ? v.id : id}`} backAction={back}
      subtitle={v ? `Started ${formatDate(v.created_at)} · ${methodLabel(v.method)} · ${v.payout_count} payout${v.payout_count === 1 ? '' : 's'}, ${formatMoney(v.total, v.currency)}` : undefined}
      primaryAction={v && v.retryable_count > 0 ? { content: 'Retry failed items', onAction: () => setRetrying(true) } : undefined}>
      <BlockStack gap="400">
        <ErrorBanner error={res.error} onRetry={res.reload} />
        {!v ? <Loading /> : (
          <>
            {v.send && v.send.last_error && sending && (
              <Banner tone="warning" title="PayPal answered with an error; sending is retried on its own">
                <p>{v.send.last_error}</p>
              </Banner>
            )}
            {sending && <Box paddingInline={{ xs: '400', sm: '0' }}><Text as="p" tone="subdued">PayPal is paying this run; statuses update on their own.</Text></Box>}
            {v.retryable_count > 0 && (
              <Banner tone="warning" title={`${v.retryable_count} failed item${v.retryable_count === 1 ? '' : 's'} can be paid again`}
                action={{ content: 'Retry failed items', onAction: () => setRetrying(true) }}>
                <p>PayPal did not pay {v.retryable_count === 1 ? 'it' : 'them'} and the money is back in the balance. A retry sends {formatMoney(v.retryable_amount, v.currency)} again, once.</p>
              </Banner>
            )}
            {v.retryable_count === 0 && failedLeft.length > 0 && (
              <Banner tone="info" title="Failed items cannot be retried yet">
                <p>Each says why below. The money is back in the affiliate’s balance, so it is paid with a later run if you do nothing.</p>
              </Banner>
            )}
            {latest.length === 0 ? (
              <Empty heading="No payouts in this run">Nobody was paid by this run.</Empty>
            ) : (
              <>
                <Totals totals={v.totals} currency={v.currency} />
                <Items items={ordered(v.items)} currency={v.currency} />
              </>
            )}
          </>
        )}
      </BlockStack>
      {retrying && v && <RetryModal run={v} items={latest.filter((it) => it.retryable)} onClose={() => setRetrying(false)} onDone={res.reload} />}
    </Page>
  );
}
