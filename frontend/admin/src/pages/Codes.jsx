// Codes: every code with filters, assign and unassign, generate from the
// naming rule (with a preview), or add one by hand.
import { useState } from 'react';
import {
  BlockStack, Box, Button, Card, IndexTable, InlineStack, Page, Pagination, Select, Text, TextField,
} from '@shopify/polaris';
import { api } from '../api.js';
import { useApi, useDebounced } from '../hooks.js';
import { discountLabel } from '../money.js';
import { Empty, ErrorBanner, StatusBadge, useApp } from '../ui.jsx';
import { AssignModal, GenerateModal, NewCodeModal } from './CodeModals.jsx';

const PER_PAGE = 25;

/** The Codes page. */
export function Codes() {
  const query = new URLSearchParams(window.location.search);
  const { toast } = useApp();
  const [filters, setFilters] = useState({ source: '', assigned: '', connection: '', q: '' });
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState(query.get('generate') ? { kind: 'generate', affiliate: query.get('affiliate') } : null);
  const q = useDebounced(filters.q, 250);
  const params = new URLSearchParams({ per_page: PER_PAGE, page });
  if (filters.source) params.set('source', filters.source);
  if (filters.assigned) params.set('assigned', filters.assigned);
  if (filters.connection) params.set('connection_id', filters.connection);
  if (q) params.set('q', q);
  const list = useApi(`/codes?${params}`);
  const affs = useApi('/affiliates?per_page=200');
  const conns = useApi('/connections');
  const names = new Map(((affs.data && affs.data.data) || []).map((a) => [a.id, a.name]));
  const stores = new Map(((conns.data && conns.data.data) || []).map((c) => [c.id, c]));
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const filtered = filters.source || filters.assigned || filters.connection || q;
  const set = (k) => (v) => { setFilters({ ...filters, [k]: v }); setPage(1); };
  const done = () => { setModal(null); list.reload(); };
  const unassign = async (c) => {
    try {
      await api(`/codes/${c.id}/unassign`, { method: 'POST' });
      toast(`${c.code} unassigned`);
      list.reload();
    } catch (e) {
      toast(e.message, true);
    }
  };
  const storeOptions = [{ label: 'Any store', value: '' }, { label: 'Not on a store', value: '0' },
    ...[...stores.values()].filter((c) => c.platform !== 'api').map((c) => ({ label: `${c.platform}: ${c.external_id}`, value: String(c.id) }))];
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
            <Box padding="300">
              <InlineStack gap="300" wrap>
                <Box minWidth="220px"><TextField label="Search codes" placeholder="Code starts with…" value={filters.q} onChange={set('q')} autoComplete="off" /></Box>
                <Select label="Source" options={[{ label: 'All sources', value: '' }, { label: 'Imported', value: 'imported' }, { label: 'Generated', value: 'generated' }, { label: 'Manual', value: 'manual' }]} value={filters.source} onChange={set('source')} />
                <Select label="Assigned" options={[{ label: 'Assigned or not', value: '' }, { label: 'Assigned', value: 'yes' }, { label: 'Not assigned', value: 'no' }]} value={filters.assigned} onChange={set('assigned')} />
                <Select label="Store" options={storeOptions} value={filters.connection} onChange={set('connection')} />
              </InlineStack>
            </Box>
            <IndexTable resourceName={{ singular: 'code', plural: 'codes' }} itemCount={rows.length} selectable={false} loading={list.loading}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No code matches these filters.</Text></Box>}
              headings={[{ title: 'Code' }, { title: 'Discount' }, { title: 'Source' }, { title: 'Store' }, { title: 'Affiliate' }, { title: 'Status' }, { title: 'Actions', alignment: 'end' }]}>
              {rows.map((c, i) => (
                <IndexTable.Row id={String(c.id)} key={c.id} position={i}>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{c.code}</Text></IndexTable.Cell>
                  <IndexTable.Cell>{discountLabel(c)}</IndexTable.Cell>
                  <IndexTable.Cell>{c.source}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100">
                      <Text as="span">{stores.get(c.connection_id) ? stores.get(c.connection_id).platform : '—'}</Text>
                      {c.sync_status && c.sync_status !== 'synced' && <StatusBadge status={c.sync_status} />}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{c.affiliate_id ? names.get(c.affiliate_id) || `#${c.affiliate_id}` : <Text as="span" tone="subdued">Not assigned</Text>}</IndexTable.Cell>
                  <IndexTable.Cell>{c.active ? <StatusBadge status="active" /> : <Text as="span" tone="subdued">{c.sync_error || 'Inactive'}</Text>}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack align="end">
                      {c.affiliate_id
                        ? <Button size="slim" onClick={() => unassign(c)}>Unassign</Button>
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
      {modal && modal.kind === 'generate' && <GenerateModal affiliates={(affs.data && affs.data.data) || []} affiliate={modal.affiliate} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'new' && <NewCodeModal affiliates={(affs.data && affs.data.data) || []} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'assign' && <AssignModal code={modal.code} affiliates={(affs.data && affs.data.data) || []} onClose={() => setModal(null)} onDone={done} />}
    </Page>
  );
}
