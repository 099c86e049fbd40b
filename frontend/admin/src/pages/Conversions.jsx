// Conversions: every order paid with a known code, its status and refunds.
import { useState } from 'react';
import { BlockStack, Box, Card, IndexTable, InlineStack, Page, Pagination, Tabs, Text } from '@shopify/polaris';
import { useApi } from '../hooks.js';
import { formatMoney } from '../money.js';
import { Empty, ErrorBanner, StatusBadge, formatDate } from '../ui.jsx';
import { navigate } from '../router.jsx';
import { FailedEvents } from './FailedEvents.jsx';

const PER_PAGE = 25;
const statuses = ['', 'pending', 'approved', 'paid', 'reversed', 'flagged', 'unattributed'];
const tabLabels = ['All', 'Pending', 'Approved', 'Paid', 'Reversed', 'Flagged', 'No affiliate'];

/** The Conversions page. */
export function Conversions() {
  const [tab, setTab] = useState(0);
  const [page, setPage] = useState(1);
  const status = statuses[tab];
  const list = useApi(`/conversions?per_page=${PER_PAGE}&page=${page}${status ? `&status=${status}` : ''}`);
  const affs = useApi('/affiliates?per_page=200');
  const names = new Map(((affs.data && affs.data.data) || []).map((a) => [a.id, a.name]));
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  return (
    <Page title="Conversions" subtitle="Orders paid with your codes. Commission is pending during the hold period, then approved for payout.">
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        <FailedEvents />
        {!list.loading && total === 0 && !status ? (
          <Empty heading="No conversions yet" action={{ content: 'Give codes to affiliates', onAction: () => navigate('/codes') }}>
            When a customer pays with one of your affiliates' codes, the order shows up here with the commission it earned.
          </Empty>
        ) : (
          <Card padding="0">
            <Tabs tabs={tabLabels.map((content, i) => ({ id: `status-${statuses[i] || 'all'}`, content }))} selected={tab} onSelect={(i) => { setTab(i); setPage(1); }} />
            <IndexTable resourceName={{ singular: 'conversion', plural: 'conversions' }} itemCount={rows.length} selectable={false} loading={list.loading}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No {tabLabels[tab].toLowerCase()} conversions.</Text></Box>}
              headings={[{ title: 'Order' }, { title: 'Date' }, { title: 'Code' }, { title: 'Affiliate' }, { title: 'Subtotal', alignment: 'end' }, { title: 'Commission', alignment: 'end' }, { title: 'Refunds' }, { title: 'Status' }]}>
              {rows.map((c, i) => (
                <IndexTable.Row id={String(c.id)} key={c.id} position={i}>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{c.order_number || c.order_id}</Text></IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(c.placed_at)}</IndexTable.Cell>
                  <IndexTable.Cell>{c.code}</IndexTable.Cell>
                  <IndexTable.Cell>{c.affiliate_id ? names.get(c.affiliate_id) || `#${c.affiliate_id}` : '—'}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(c.subtotal, c.currency)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(c.commission - c.reversed_commission, c.currency)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    {c.refunded_subtotal > 0
                      ? <Text as="span" tone="critical">{formatMoney(c.refunded_subtotal, c.currency)} refunded, {formatMoney(c.reversed_commission, c.currency)} commission reversed</Text>
                      : <Text as="span" tone="subdued">None</Text>}
                  </IndexTable.Cell>
                  <IndexTable.Cell><InlineStack gap="100"><StatusBadge status={c.status} />{c.flag_reason && <Text as="span" tone="subdued">{c.flag_reason}</Text>}{c.status === 'pending' && c.commission > 0 && <Text as="span" tone="subdued">payable on {formatDate(c.approve_at)}</Text>}</InlineStack></IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <InlineStack align="center">
                <Pagination hasPrevious={page > 1} onPrevious={() => setPage(page - 1)} hasNext={page * PER_PAGE < total} onNext={() => setPage(page + 1)} label={`${total} conversion${total === 1 ? '' : 's'}`} />
              </InlineStack>
            </Box>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}
