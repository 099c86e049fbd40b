// Orders and refunds the platforms sent that could not be booked for good:
// a banner pointing at them, and their list with a Retry button each.
import { useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Text, useBreakpoints } from '@shopify/polaris';
import { api } from '../api.js';
import { failedReason } from '../conversions.js';
import { useApi, useInterval } from '../hooks.js';
import { ErrorBanner, formatDate, TablePager, useApp } from '../ui.jsx';

const PER_PAGE = 25;

/** What a failed delivery was about, in the merchant's words. */
export function failedEventLabel(ev) {
  const order = ev.order_id ? `order ${ev.order_id}` : 'an order';
  const what = /refund|cancel/i.test(ev.topic || '') ? `Refund of ${order}` : order.charAt(0).toUpperCase() + order.slice(1);
  const platform = { shopify: 'Shopify', stripe: 'Stripe', paddle: 'Paddle', woocommerce: 'WooCommerce', api: 'API' }[ev.platform] || ev.platform;
  return `${what} (${platform})`;
}

/** A critical banner saying how many deliveries failed for good; nothing when none did. */
export function FailedEvents({ onShow }) {
  const failed = useApi('/events?status=failed&per_page=1');
  const total = (failed.data && failed.data.total) || 0;
  if (!total) return null;
  return (
    <Banner tone="critical" title={`${total} order${total === 1 ? '' : 's'} or refund${total === 1 ? '' : 's'} could not be booked`}
      action={onShow ? { content: 'See failed events', onAction: onShow } : undefined}>
      <Text as="p">Codecredit gave up on {total === 1 ? 'it' : 'them'} after retrying. Fix the cause, then retry from the Failed events tab.</Text>
    </Banner>
  );
}

/** Lets text in a table cell wrap. */
function Wrap({ children, width }) {
  return <div style={{ whiteSpace: 'normal', overflowWrap: 'anywhere', maxWidth: width }}>{children}</div>;
}

/** Why a delivery failed: in words, then the worker's error in small print. */
function Reason({ error }) {
  const r = failedReason(error);
  return (
    <BlockStack gap="050">
      <Text as="span">{r.words}</Text>
      {r.detail && r.detail !== r.words && <Text as="span" tone="subdued" variant="bodySm">{r.detail}</Text>}
    </BlockStack>
  );
}

/** What became of a retried delivery, as it is now. */
function Outcome({ ev }) {
  if (!ev) return null;
  if (ev.status === 'processed') return <Badge tone="success">Booked</Badge>;
  if (ev.status === 'failed') return <Wrap><Text as="span" tone="critical">Failed again: {failedReason(ev.last_error).words}</Text></Wrap>;
  return <Text as="span" tone="subdued">Retrying…</Text>;
}

/** The failed deliveries, newest first, each with its reason and a Retry button. */
export function FailedEventsList({ onChange }) {
  const { toast } = useApp();
  const [page, setPage] = useState(1);
  const [retried, setRetried] = useState({}); // id → the event as last seen after its retry
  const [busy, setBusy] = useState(0);
  const { smUp } = useBreakpoints();
  const list = useApi(`/events?status=failed&per_page=${PER_PAGE}&page=${page}`);
  const listed = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const rows = [...listed, ...Object.values(retried).filter((ev) => !listed.some((l) => l.id === ev.id))]
    .sort((a, b) => b.id - a.id);
  const waiting = Object.values(retried).some((ev) => ev.status === 'pending' || ev.status === 'retrying');
  useInterval(async () => {
    const next = { ...retried };
    for (const ev of Object.values(retried)) {
      if (ev.status === 'pending' || ev.status === 'retrying') next[ev.id] = await api(`/events/${ev.id}`).catch(() => ev);
    }
    setRetried(next);
    if (Object.values(next).some((ev) => ev.status === 'processed' || ev.status === 'failed')) onChange();
  }, 1500, waiting);
  const retry = async (ev) => {
    setBusy(ev.id);
    try {
      const now = await api(`/events/${ev.id}/retry`, { method: 'POST' });
      setRetried((r) => ({ ...r, [ev.id]: { ...now, topic: ev.topic, platform: ev.platform } }));
      toast(`${failedEventLabel(ev)} queued again`);
    } catch (e) {
      toast(e.message, true);
    } finally {
      setBusy(0);
    }
  };
  if (!list.loading && rows.length === 0 && !list.error) {
    return <Card><Text as="p" tone="subdued">No failed events: every order and refund the stores sent was booked.</Text></Card>;
  }
  return (
    <BlockStack gap="400">
      <ErrorBanner error={list.error} onRetry={list.reload} />
      <Card padding="0">
        <IndexTable resourceName={{ singular: 'failed event', plural: 'failed events' }} itemCount={rows.length} selectable={false} loading={list.loading}
          headings={smUp ? [{ title: 'Event' }, { title: 'Received' }, { title: 'Why it failed' }, { title: '' }] : [{ title: 'Failed event' }, { title: '' }]}>
          {rows.map((ev, i) => {
            const after = retried[ev.id];
            const reason = <Reason error={ev.last_error} />;
            const action = after ? <Outcome ev={after} />
              : <Button size="slim" onClick={() => retry(ev)} loading={busy === ev.id} accessibilityLabel={`Retry ${failedEventLabel(ev)}`}>Retry</Button>;
            return (
              <IndexTable.Row id={String(ev.id)} key={ev.id} position={i}>
                {smUp ? (
                  <>
                    <IndexTable.Cell><Text as="span" fontWeight="semibold">{failedEventLabel(ev)}</Text></IndexTable.Cell>
                    <IndexTable.Cell>{formatDate(ev.received_at)}</IndexTable.Cell>
                    <IndexTable.Cell><Wrap width="480px">{after ? null : reason}</Wrap></IndexTable.Cell>
                    <IndexTable.Cell><Wrap width="360px"><InlineStack align="end">{action}</InlineStack></Wrap></IndexTable.Cell>
                  </>
                ) : (
                  <>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        <Text as="span" fontWeight="semibold">{failedEventLabel(ev)}</Text>
                        <Text as="span" tone="subdued" variant="bodySm">Received {formatDate(ev.received_at)}</Text>
                        {!after && <Wrap width="240px">{reason}</Wrap>}
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell><Wrap width="110px">{action}</Wrap></IndexTable.Cell>
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
