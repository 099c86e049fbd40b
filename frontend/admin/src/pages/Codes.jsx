// Codes: every code with its uses and sales, filters, assign and unassign
// (with a confirmation), generate from the naming rule (with a preview and
// a store choice), or add one by hand.
import { useState } from 'react';
import {
  BlockStack, Box, Button, Card, IndexTable, InlineStack, Page, Pagination, Text,
} from '@shopify/polaris';
import { useApi, useDebounced } from '../hooks.js';
import { discountLabel, formatMoney } from '../money.js';
import { Empty, ErrorBanner, StatusBadge } from '../ui.jsx';
import { CodeFilters, codeParams, storeLabel } from './CodeFilters.jsx';
import { AssignModal, GenerateModal, NewCodeModal, UnassignModal } from './CodeModals.jsx';

const PER_PAGE = 25;
const NO_FILTERS = { active: '', assigned: '', affiliate: '', store: '', source: '', q: '' };

/** A code's net sales: one amount per currency, or a dash. */
function salesText(c) {
  const sales = c.sales || [];
  return sales.length ? sales.map((s) => formatMoney(s.amount, s.currency)).join(' + ') : '—';
}

/** The Codes page. */
export function Codes() {
  const query = new URLSearchParams(window.location.search);
  const [filters, setFilters] = useState(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState(query.get('generate') ? { kind: 'generate', affiliate: query.get('affiliate') } : null);
  const q = useDebounced(filters.q, 250);
  const params = codeParams(filters);
  params.set('per_page', PER_PAGE);
  params.set('page', page);
  if (q) params.set('q', q);
  const list = useApi(`/codes?${params}`);
  const affs = useApi('/affiliates?per_page=200');
  const conns = useApi('/connections');
  const names = new Map(((affs.data && affs.data.data) || []).map((a) => [a.id, a.name]));
  const stores = new Map(((conns.data && conns.data.data) || []).filter((c) => c.platform !== 'api').map((c) => [c.id, c]));
  const activeStores = [...stores.values()].filter((c) => c.status === 'active');
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const filtered = Object.values(filters).some((v) => v);
  const set = (k) => (v) => { setFilters((f) => ({ ...f, [k]: v })); setPage(1); };
  const done = () => { setModal(null); list.reload(); };
  return (
    <Page title="Codes" subtitle="Each affiliate's codes: every order paid with one earns them commission."
      primaryAction={{ content: 'Generate codes', onAction: () => setModal({ kind: 'generate' }) }}
      secondaryActions={[{ content: 'Add a code', onAction: () => setModal({ kind: 'new' }) }]}>
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        {!list.loading && total === 0 && !filtered ? (
          <Empty heading="No codes yet" action={{ content: 'Generate codes', onAction: () => setModal({ kind: 'generate' }) }}
            secondaryAction={{ content: 'Add a code', onAction: () => setModal({ kind: 'new' }) }}>
            Import the codes of your store from Get started, generate one per affiliate from your naming rule, or type one in.
          </Empty>
        ) : (
          <Card padding="0">
            <CodeFilters filters={filters} set={set} clearAll={() => { setFilters(NO_FILTERS); setPage(1); }}
              affiliates={(affs.data && affs.data.data) || []} stores={[...stores.values()]} />
            <IndexTable resourceName={{ singular: 'code', plural: 'codes' }} itemCount={rows.length} selectable={false} loading={list.loading}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No code matches these filters.</Text></Box>}
              headings={[{ title: 'Code' }, { title: 'Discount' }, { title: 'Affiliate' }, { title: 'Uses', alignment: 'end' }, { title: 'Sales', alignment: 'end' },
                { title: 'Store' }, { title: 'Status' }, { title: 'Actions', alignment: 'end' }]}>
              {rows.map((c, i) => (
                <IndexTable.Row id={String(c.id)} key={c.id} position={i}>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{c.code}</Text></IndexTable.Cell>
                  <IndexTable.Cell>{discountLabel(c)}</IndexTable.Cell>
                  <IndexTable.Cell>{c.affiliate_id ? names.get(c.affiliate_id) || `#${c.affiliate_id}` : <Text as="span" tone="subdued">Not assigned</Text>}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{c.uses || 0}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{salesText(c)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" wrap={false}>
                      <Text as="span">{stores.get(c.connection_id) ? storeLabel(stores.get(c.connection_id)) : '—'}</Text>
                      {c.sync_status && c.sync_status !== 'synced' && <StatusBadge status={c.sync_status} />}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{c.active ? <StatusBadge status="active" /> : <Text as="span" tone="subdued">{c.sync_error || 'Inactive'}</Text>}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack align="end">
                      {c.affiliate_id
                        ? <Button size="slim" onClick={() => setModal({ kind: 'unassign', code: c })}>Unassign</Button>
                        : <Button size="slim" disabled={!c.active} onClick={() => setModal({ kind: 'assign', code: c })}>Assign</Button>}
                    </InlineStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <InlineStack align="center">
                <Pagination hasPrevious={page > 1} onPrevious={() => setPage(page - 1)} hasNext={page * PER_PAGE < total} onNext={() => setPage(page + 1)}
                  label={`${total} code${total === 1 ? '' : 's'}`} />
              </InlineStack>
            </Box>
          </Card>
        )}
      </BlockStack>
      {modal && modal.kind === 'generate' && <GenerateModal affiliates={(affs.data && affs.data.data) || []} affiliate={modal.affiliate} stores={activeStores} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'new' && <NewCodeModal affiliates={(affs.data && affs.data.data) || []} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'unassign' && <UnassignModal code={modal.code} affiliate={names.get(modal.code.affiliate_id)} store={stores.get(modal.code.connection_id)}
        onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'assign' && <AssignModal code={modal.code} affiliates={(affs.data && affs.data.data) || []} onClose={() => setModal(null)} onDone={done} />}
    </Page>
  );
}
