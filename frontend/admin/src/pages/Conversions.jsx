// Conversions: every order paid with a known code, conversions and
// adjustments added by hand, searched and filtered, with a CSV of the
// filter; and the deliveries that failed, to retry.
import { useEffect, useState } from 'react';
import { Badge, BlockStack, Box, Button, Card, IndexTable, InlineStack, Page, Pagination, Tabs, Text, useBreakpoints } from '@shopify/polaris';
import { download } from '../api.js';
import { conversionParams } from '../conversions.js';
import { useApi, useDebounced } from '../hooks.js';
import { formatMoney } from '../money.js';
import { Empty, ErrorBanner, StatusBadge, formatDate, useApp } from '../ui.jsx';
import { navigate } from '../router.jsx';
import { ConversionFilters, NO_FILTERS } from './ConversionFilters.jsx';
import { AdjustmentModal, ManualConversionModal } from './ConversionModals.jsx';
import { FailedEvents, FailedEventsList } from './FailedEvents.jsx';
import { WaitingRefundsList } from './WaitingRefunds.jsx';

const PER_PAGE = 25;

/** What a row is, beside its status: added by hand, an adjustment, a repeat order, a reviewed self-referral. */
function RowBadges({ c }) {
  return (
    <InlineStack gap="100" wrap>
      {c.kind === 'adjustment' ? <Badge tone="info">Adjustment</Badge> : <StatusBadge status={c.status} />}
      {c.kind === 'adjustment' && <StatusBadge status={c.status} />}
      {c.origin === 'manual' && <Badge>Manual</Badge>}
      {c.lifetime && <Badge tone="info">Repeat order</Badge>}
      {c.review === 'approve' && <Badge tone="success">Approved by hand</Badge>}
      {c.review === 'reject' && <Badge>Rejected</Badge>}
      {c.flag_reason && <Text as="span" tone="subdued">{c.flag_reason}</Text>}
      {c.kind !== 'adjustment' && c.status === 'pending' && c.commission > 0 && <Text as="span" tone="subdued">payable on {formatDate(c.approve_at)}</Text>}
    </InlineStack>
  );
}

/** The order (or the adjustment's reason) a row stands for. */
function rowTitle(c) {
  return c.kind === 'adjustment' ? c.note : c.order_number || c.order_id;
}

function refundText(c) {
  if (c.kind === 'adjustment' || !c.refunded_subtotal) return '';
  return `${formatMoney(c.refunded_subtotal, c.currency)} refunded, ${formatMoney(c.reversed_commission, c.currency)} commission reversed`;
}

function open(c) {
  navigate(c.kind === 'adjustment' ? `/affiliates/${c.affiliate_id}` : `/conversions/${c.id}`);
}

/** The conversions list with its filters. */
function ConversionList({ reloadKey }) {
  const { toast } = useApp();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [page, setPage] = useState(1);
  const { smUp } = useBreakpoints();
  const q = useDebounced(filters.q, 250);
  const params = conversionParams({ ...filters, q });
  const list = useApi(`/conversions?${params}&per_page=${PER_PAGE}&page=${page}`);
  const { reload } = list;
  useEffect(() => { if (reloadKey) reload(); }, [reloadKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const filtered = filters.q || filters.statuses.length || filters.from;
  const exportCSV = async () => {
    try {
      await download(`/conversions/export.csv?${params}`, `conversions-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      toast(e.message, true);
    }
  };
  if (!list.loading && total === 0 && !filtered && !list.error) {
    return (
      <Empty heading="No conversions yet" action={{ content: 'Give codes to affiliates', onAction: () => navigate('/codes') }}>
        When a customer pays with one of your affiliates&apos; codes, the order shows up here with the commission it earned.
      </Empty>
    );
  }
  const headings = smUp
    ? [{ title: 'Order' }, { title: 'Date' }, { title: 'Code' }, { title: 'Affiliate' }, { title: 'Subtotal', alignment: 'end' }, { title: 'Commission', alignment: 'end' }, { title: 'Status' }]
    : [{ title: 'Conversion' }, { title: 'Commission', alignment: 'end' }];
  return (
    <BlockStack gap="400">
      <ErrorBanner error={list.error} onRetry={list.reload} />
      <Card padding="0">
        <ConversionFilters filters={filters} onChange={(f) => { setFilters(f); setPage(1); }} />
        <IndexTable resourceName={{ singular: 'conversion', plural: 'conversions' }} itemCount={rows.length} selectable={false} loading={list.loading}
          condensed={!smUp} headings={headings}
          emptyState={<Box padding="400"><Text as="p" tone="subdued">No conversions match these filters.</Text></Box>}>
          {rows.map((c, i) => (
            <IndexTable.Row id={`${c.kind}-${c.id}`} key={`${c.kind}-${c.id}`} position={i} onClick={() => open(c)}>
              {smUp ? (
                <>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{rowTitle(c)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(c.placed_at)}</IndexTable.Cell>
                  <IndexTable.Cell>{c.code || '—'}</IndexTable.Cell>
                  <IndexTable.Cell>{c.affiliate_name || '—'}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{c.kind === 'adjustment' ? '—' : formatMoney(c.subtotal, c.currency)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack inlineAlign="end">
                      <Text as="span" numeric>{formatMoney(c.commission - c.reversed_commission, c.currency)}</Text>
                      {refundText(c) && <Text as="span" tone="critical" variant="bodySm">{refundText(c)}</Text>}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell><RowBadges c={c} /></IndexTable.Cell>
                </>
              ) : (
                <div style={{ padding: '12px 16px', width: '100%' }}>
                  <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                    <BlockStack gap="100">
                      <Text as="span" fontWeight="semibold" breakWord>{rowTitle(c)}</Text>
                      <Text as="span" tone="subdued" variant="bodySm">{[formatDate(c.placed_at), c.affiliate_name, c.code].filter(Boolean).join(' · ')}</Text>
                      <RowBadges c={c} />
                    </BlockStack>
                    <BlockStack inlineAlign="end" gap="050">
                      <Text as="span" fontWeight="semibold" numeric>{formatMoney(c.commission - c.reversed_commission, c.currency)}</Text>
                      {refundText(c) && <Text as="span" tone="critical" variant="bodySm" alignment="end">{refundText(c)}</Text>}
                    </BlockStack>
                  </InlineStack>
                </div>
              )}
            </IndexTable.Row>
          ))}
        </IndexTable>
        <Box padding="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="span" tone="subdued">{`${total} result${total === 1 ? '' : 's'}`}</Text>
            <Pagination hasPrevious={page > 1} onPrevious={() => setPage(page - 1)} hasNext={page * PER_PAGE < total} onNext={() => setPage(page + 1)}
              label={`Page ${page} of ${Math.max(1, Math.ceil(total / PER_PAGE))}`} />
            <Button variant="plain" onClick={exportCSV}>Export CSV</Button>
          </InlineStack>
        </Box>
      </Card>
    </BlockStack>
  );
}

/** The Conversions page. */
export function Conversions() {
  const [tab, setTab] = useState({ failed: 1, waiting: 2 }[new URLSearchParams(window.location.search).get('tab')] || 0);
  const [modal, setModal] = useState(null);
  const [reloadKey, setReloadKey] = useState(0);
  const failed = useApi('/events?status=failed&per_page=1');
  const failedCount = (failed.data && failed.data.total) || 0;
  const affs = useApi('/affiliates?per_page=200');
  const affiliates = (affs.data && affs.data.data) || [];
  const done = () => { setModal(null); setReloadKey((k) => k + 1); };
  const tabs = [{ id: 'conversions', content: 'Conversions' }, { id: 'failed-events', content: failedCount ? `Failed events (${failedCount})` : 'Failed events' },
    { id: 'waiting-refunds', content: 'Refunds waiting for an order' }];
  return (
    <Page title="Conversions" subtitle="Orders paid with your codes. Commission is pending during the hold period, then approved for payout."
      primaryAction={{ content: 'Add adjustment', onAction: () => setModal('adjustment') }}
      secondaryActions={[{ content: 'Add conversion', onAction: () => setModal('manual') }]}>
      <BlockStack gap="400">
        {tab === 0 && <FailedEvents onShow={() => setTab(1)} />}
        <Tabs tabs={tabs} selected={tab} onSelect={setTab} />
        {tab === 0 && <ConversionList reloadKey={reloadKey} />}
        {tab === 1 && <FailedEventsList onChange={failed.reload} />}
        {tab === 2 && <WaitingRefundsList />}
      </BlockStack>
      {modal === 'manual' && <ManualConversionModal affiliates={affiliates} onClose={() => setModal(null)} onDone={done} />}
      {modal === 'adjustment' && <AdjustmentModal affiliates={affiliates} onClose={() => setModal(null)} onDone={done} />}
    </Page>
  );
}
