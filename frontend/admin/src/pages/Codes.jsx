// Codes: every code with its uses and sales, filters, assign and unassign
// (with a confirmation), generate from the naming rule (with a preview and
// a store choice), or add one by hand.
import { useEffect, useState } from 'react';
import {
  BlockStack, Box, Button, Card, IndexTable, InlineStack, Page, Pagination, Text, useBreakpoints,
} from '@shopify/polaris';
import { useApi, useDebounced } from '../hooks.js';
import { discountLabel, formatMoney } from '../money.js';
import { Empty, ErrorBanner, StatusBadge } from '../ui.jsx';
import { CodeFilters, codeParams, storeLabel } from './CodeFilters.jsx';
import { AssignModal, DeactivateModal, GenerateModal, NewCodeModal, UnassignModal } from './CodeModals.jsx';
import { LinkCell, LinkModal, useCodeLinks } from './CodeLinks.jsx';

const PER_PAGE = 25;
const NO_FILTERS = { active: '', assigned: '', affiliate: '', store: '', source: '', q: '' };

/** A code's net sales: one amount per currency, or a dash. */
function salesText(c) {
  const sales = c.sales || [];
  return sales.length ? sales.map((s) => formatMoney(s.amount, s.currency)).join(' + ') : '—';
}

/** An inactive code's status: how turning it off on its store went, or why it is inactive. */
function inactiveText(c, store) {
  if (c.store_status === 'deactivating') return <Text as="span" tone="subdued">Inactive; turning it off on {store ? store.name : 'the store'}…</Text>;
  if (c.store_status === 'deactivate_failed') return <Text as="span" tone="critical">{c.store_note}</Text>;
  return <Text as="span" tone="subdued">{c.store_note || c.sync_error || 'Inactive'}</Text>;
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
  const links = useCodeLinks(rows);
  const filtered = Object.values(filters).some((v) => v);
  const set = (k) => (v) => { setFilters((f) => ({ ...f, [k]: v })); setPage(1); };
  const done = () => { setModal(null); list.reload(); };
  const waiting = rows.some((c) => c.store_status === 'deactivating');
  useEffect(() => { // a store answers in a moment: show how it went
    if (!waiting) return undefined;
    const t = setTimeout(list.reload, 2000);
    return () => clearTimeout(t);
  }, [waiting, list.data]);
  const { smDown } = useBreakpoints();
  const affiliateName = (c) => (c.affiliate_id ? names.get(c.affiliate_id) || 'Another affiliate' : null);
  const action = (c) => (c.affiliate_id
    ? <Button size="slim" onClick={() => setModal({ kind: 'unassign', code: c })}>Unassign</Button>
    : (
      <InlineStack gap="100" wrap={false}>
        <Button size="slim" disabled={!c.active} onClick={() => setModal({ kind: 'assign', code: c })}>Assign</Button>
        {c.active && <Button size="slim" onClick={() => setModal({ kind: 'deactivate', code: c })}>Deactivate</Button>}
      </InlineStack>
    ));
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
            <IndexTable resourceName={{ singular: 'code', plural: 'codes' }} itemCount={rows.length} selectable={false} loading={list.loading} condensed={smDown}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No code matches these filters.</Text></Box>}
              headings={[{ title: 'Code' }, { title: 'Discount' }, { title: 'Affiliate' }, { title: 'Uses', alignment: 'end' }, { title: 'Sales', alignment: 'end' }, { title: 'Link (30 days)' },
                { title: 'Store' }, { title: 'Status' }, { title: 'Actions', alignment: 'end' }]}>
              {rows.map((c, i) => (smDown ? (
                <IndexTable.Row id={String(c.id)} key={c.id} position={i}>
                  <CompactCode c={c} affiliate={affiliateName(c)} store={stores.get(c.connection_id)} action={action(c)}
                    link={<LinkCell link={links.link(c)} stats={links.stats(c)} onEdit={() => setModal({ kind: 'link', code: c })} />} />
                </IndexTable.Row>
              ) : (
                <IndexTable.Row id={String(c.id)} key={c.id} position={i}>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{c.code}</Text></IndexTable.Cell>
                  <IndexTable.Cell>{discountLabel(c)}</IndexTable.Cell>
                  <IndexTable.Cell>{affiliateName(c) || <Text as="span" tone="subdued">Not assigned</Text>}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{c.uses || 0}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{salesText(c)}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    <LinkCell link={links.link(c)} stats={links.stats(c)} onEdit={() => setModal({ kind: 'link', code: c })} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" wrap={false}>
                      <Text as="span">{stores.get(c.connection_id) ? storeLabel(stores.get(c.connection_id)) : '—'}</Text>
                      {c.sync_status && c.sync_status !== 'synced' && <StatusBadge status={c.sync_status} />}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{c.active ? <StatusBadge status="active" /> : inactiveText(c, stores.get(c.connection_id))}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack align="end">{action(c)}</InlineStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              )))}
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
      {modal && modal.kind === 'deactivate' && <DeactivateModal code={modal.code} store={stores.get(modal.code.connection_id)} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'link' && links.link(modal.code) && <LinkModal code={modal.code} link={links.link(modal.code)}
        onClose={() => setModal(null)} onDone={() => { setModal(null); links.reload(); }} />}
      {modal && modal.kind === 'assign' && <AssignModal code={modal.code} affiliates={(affs.data && affs.data.data) || []} onClose={() => setModal(null)} onDone={done} />}
    </Page>
  );
}

/** One code on a narrow screen: everything the table's columns say, stacked. */
function CompactCode({ c, affiliate, store, action, link }) {
  return (
    <div style={{ padding: '12px 16px', width: '100%' }}>
      <BlockStack gap="100">
        <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
          <Text as="span" fontWeight="semibold" breakWord>{c.code}</Text>
          {action}
        </InlineStack>
        <Text as="p">{discountLabel(c)} · {affiliate || <Text as="span" tone="subdued">Not assigned</Text>}</Text>
        <InlineStack gap="200" wrap>
          <Text as="span" tone="subdued">{c.uses || 0} use{c.uses === 1 ? '' : 's'} · {salesText(c)}</Text>
          {store && <Text as="span" tone="subdued">{storeLabel(store)}</Text>}
          {c.sync_status && c.sync_status !== 'synced' && <StatusBadge status={c.sync_status} />}
          {c.active ? <StatusBadge status="active" /> : inactiveText(c, store)}
        </InlineStack>
        {link}
      </BlockStack>
    </div>
  );
}
