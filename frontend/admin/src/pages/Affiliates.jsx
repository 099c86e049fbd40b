// Affiliates: an index table with each affiliate's codes, orders, sales and
// commission balance; search, status tabs, server-side sort and pages;
// bulk send codes, deactivate, activate and CSV export; add one or import.
import { useState } from 'react';
import {
  Banner, BlockStack, Box, Card, IndexFilters, IndexTable, InlineStack, Link, Page, Pagination, Text,
  TextField, useBreakpoints, useIndexResourceState, useSetIndexFiltersMode,
} from '@shopify/polaris';
import { api, download } from '../api.js';
import { useApi, useDebounced } from '../hooks.js';
import { formatMoney } from '../money.js';
import { SORTS, codesText, listParams } from '../affiliateList.js';
import { Empty, ErrorBanner, StatusBadge, useApp } from '../ui.jsx';
import { DeactivateModal, ImportCSV, NewAffiliate } from './AffiliateModals.jsx';
import { AffiliatePickBar, PickBox } from './AffiliatePickBar.jsx';

const PER_PAGE = 25;
const TABS = [{ id: '', content: 'All' }, { id: 'active', content: 'Active' }, { id: 'disabled', content: 'Disabled' }];
// Headings that sort, by index: the sort key each one orders by.
const COLUMN_SORT = ['name', null, 'orders', 'sales', 'balance', null];

/** The Affiliates page. */
export function Affiliates() {
  const query = new URLSearchParams(window.location.search);
  const { toast } = useApp();
  const { smDown } = useBreakpoints();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [q, setQ] = useState('');
  const [tab, setTab] = useState(0);
  const [sort, setSort] = useState('created desc');
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState(query.get('new') ? 'new' : query.get('import') ? 'import' : '');
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false); // a phone's select mode
  const search = useDebounced(q, 250);
  const filters = { q: search, status: TABS[tab].id, sort };
  const list = useApi(`/affiliates?${listParams({ ...filters, page, perPage: PER_PAGE })}`);
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const selected = rows.filter((r) => selectedResources.includes(String(r.id)));
  const filtered = Boolean(search || TABS[tab].id);
  const change = (fn) => (v) => { fn(v); setPage(1); clearSelection(); };
  const pick = (id) => (checked) => handleSelectionChange('single', checked, String(id));
  const done = () => { setModal(''); list.reload(); };

  const bulk = async (action) => {
    setBusy(true);
    try {
      const res = await api('/affiliates/bulk', { method: 'POST', body: { action, ids: selected.map((r) => r.id) } });
      setResult({ tone: res.skipped.length ? 'warning' : 'success', message: res.message, skipped: res.skipped });
      clearSelection();
      setModal('');
      list.reload();
    } catch (e) {
      setResult({ tone: 'critical', message: e.message, skipped: [] });
      setModal('');
    } finally {
      setBusy(false);
    }
  };
  const exportCSV = async (ids) => {
    try {
      await download(`/affiliates/export.csv?${listParams({ ...filters, ids })}`, 'affiliates.csv');
      toast(ids ? `Exported ${ids.length} affiliate${ids.length === 1 ? '' : 's'}` : 'Export downloaded');
    } catch (e) {
      toast(e.message, true);
    }
  };

  const [sortKey, sortDir] = sort.split(' ');
  const sortColumn = COLUMN_SORT.indexOf(sortKey);
  const onColumnSort = (index, direction) => change(setSort)(`${COLUMN_SORT[index]} ${direction === 'ascending' ? 'asc' : 'desc'}`);
  const money = (n, r) => formatMoney(n, r.currency);
  const payable = (r) => payableText(r.payable, r.currency);

  return (
    <Page
      title="Affiliates"
      subtitle="The people who promote your store with their own codes."
      primaryAction={{ content: 'Add affiliate', onAction: () => setModal('new') }}
      secondaryActions={[
        { content: 'Import CSV', onAction: () => setModal('import') },
        ...(total > 0 || filtered ? [{ content: 'Export CSV', onAction: () => exportCSV(null), disabled: total === 0, helpText: 'Every affiliate matching the search and tab' }] : []),
      ]}
    >
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        {result && (
          <Banner tone={result.tone} onDismiss={() => setResult(null)} title={result.message}>
            {result.skipped.length > 0 && (
              <p>{result.skipped.map((s) => s.name).join(', ')}</p>
            )}
          </Banner>
        )}
        {!list.loading && total === 0 && !filtered ? (
          <Empty heading="Add your first affiliate" action={{ content: 'Add affiliate', onAction: () => setModal('new') }}
            secondaryAction={{ content: 'Import a CSV', onAction: () => setModal('import') }}>
            Add the people who promote you. Then give each one a code: orders paid with it earn them commission.
          </Empty>
        ) : (
          <Card padding="0">
            <Box padding="300" paddingBlockEnd="0">
              <TextField label="Search affiliates" labelHidden placeholder="Search by name or email" value={q} onChange={change(setQ)}
                autoComplete="off" clearButton onClearButtonClick={() => change(setQ)('')} />
            </Box>
            <IndexFilters
              tabs={TABS.map((t, i) => ({ ...t, id: t.id || 'all', index: i, onAction: () => {} }))}
              selected={tab} onSelect={change(setTab)} canCreateNewView={false}
              queryValue={q} onQueryChange={change(setQ)} onQueryClear={() => change(setQ)('')} hideQueryField hideFilters
              sortOptions={SORTS} sortSelected={[sort]} onSort={(v) => change(setSort)(v[0])}
              filters={[]} appliedFilters={[]} onClearAll={() => change(setQ)('')}
              mode={mode} setMode={setMode} loading={list.loading}
            />
            {smDown && rows.length > 0 && (
              <AffiliatePickBar picking={picking} count={selected.length} busy={busy}
                onPick={() => setPicking(true)} onDone={() => { setPicking(false); clearSelection(); }}
                onSendCodes={() => bulk('send_codes')} onDeactivate={() => setModal('deactivate')}
                onActivate={() => bulk('activate')} onExport={() => exportCSV(selected.map((r) => r.id))} />
            )}
            <IndexTable
              resourceName={{ singular: 'affiliate', plural: 'affiliates' }}
              itemCount={rows.length}
              selectedItemsCount={allResourcesSelected ? 'All' : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              condensed={smDown}
              loading={list.loading}
              promotedBulkActions={[
                { content: 'Send codes', onAction: () => bulk('send_codes'), disabled: busy },
                { content: 'Deactivate', onAction: () => setModal('deactivate'), disabled: busy },
              ]}
              bulkActions={[
                { content: 'Activate', onAction: () => bulk('activate'), disabled: busy },
                { content: 'Export selected as CSV', onAction: () => exportCSV(selected.map((r) => r.id)) },
              ]}
              sortable={COLUMN_SORT.map(Boolean)}
              sortColumnIndex={sortColumn >= 0 ? sortColumn : undefined}
              sortDirection={sortDir === 'asc' ? 'ascending' : 'descending'}
              defaultSortDirection="descending"
              onSort={onColumnSort}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">{search ? `No affiliate matches “${search}”.` : 'No affiliate here.'}</Text></Box>}
              headings={[{ title: 'Affiliate' }, { title: 'Codes' }, { title: 'Orders', alignment: 'end' }, { title: 'Sales', alignment: 'end' },
                { title: 'Commission', alignment: 'end', tooltipContent: 'Payable now, and pending (still in its hold period)' }, { title: 'Status' }]}
            >
              {rows.map((a, i) => (
                <IndexTable.Row id={String(a.id)} key={a.id} position={i} selected={selectedResources.includes(String(a.id))}>
                  {smDown ? <CondensedRow a={a} money={money} picking={picking}
                    checked={selectedResources.includes(String(a.id))} onPick={pick(a.id)} /> : (
                    <>
                      <IndexTable.Cell>
                        <BlockStack gap="050">
                          <Link url={`/affiliates/${a.id}`} dataPrimaryLink monochrome removeUnderline>
                            <Text as="span" fontWeight="semibold">{a.name}</Text>
                          </Link>
                          <Text as="span" tone="subdued" variant="bodySm">{a.email}</Text>
                        </BlockStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        {a.code_count ? codesText(a) : <Text as="span" tone="subdued">No code</Text>}
                      </IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{a.orders}</Text></IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{money(a.sales, a)}</Text></IndexTable.Cell>
                      <IndexTable.Cell>
                        <BlockStack gap="050" inlineAlign="end">
                          <Text as="span" numeric tone={a.payable < 0 ? 'caution' : undefined}>{payable(a)}</Text>
                          <Text as="span" numeric tone="subdued" variant="bodySm">{money(a.pending, a)} pending</Text>
                        </BlockStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell><StatusBadge status={a.status} /></IndexTable.Cell>
                    </>
                  )}
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <InlineStack align="center">
                <Pagination
                  hasPrevious={page > 1}
                  onPrevious={() => { setPage(page - 1); clearSelection(); }}
                  hasNext={page * PER_PAGE < total}
                  onNext={() => { setPage(page + 1); clearSelection(); }}
                  label={`${total} affiliate${total === 1 ? '' : 's'} · page ${page} of ${Math.max(1, Math.ceil(total / PER_PAGE))}`}
                />
              </InlineStack>
            </Box>
          </Card>
        )}
      </BlockStack>
      {modal === 'new' && <NewAffiliate onClose={() => setModal('')} onDone={done} />}
      {modal === 'import' && <ImportCSV onClose={() => setModal('')} onDone={done} />}
      {modal === 'deactivate' && <DeactivateModal count={selected.length} names={selected.map((r) => r.name)} busy={busy}
        onClose={() => setModal('')} onConfirm={() => bulk('deactivate')} />}
    </Page>
  );
}

/** One affiliate on a narrow screen: everything in one stacked cell. */
function CondensedRow({ a, money, picking, checked, onPick }) {
  const name = <Text as="span" fontWeight="semibold" truncate>{a.name}</Text>;
  return (
    <div style={{ padding: '12px 16px', width: '100%' }}>
      <BlockStack gap="100">
        <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
          {picking ? (
            <InlineStack gap="200" blockAlign="center" wrap={false}>
              <PickBox name={a.name} checked={checked} onChange={onPick} />{name}
            </InlineStack>
          ) : <Link url={`/affiliates/${a.id}`} dataPrimaryLink monochrome removeUnderline>{name}</Link>}
          <StatusBadge status={a.status} />
        </InlineStack>
        <Text as="span" tone="subdued" variant="bodySm" truncate>{a.email}</Text>
        <Text as="span" variant="bodySm">{a.code_count ? codesText(a) : 'No code'}</Text>
        <Text as="span" variant="bodySm">
          {a.orders} order{a.orders === 1 ? '' : 's'} · {money(a.sales, a)} sales · {payableText(a.payable, a.currency)} · {money(a.pending, a)} pending
        </Text>
      </BlockStack>
    </div>
  );
}

/** "$12.00 payable", or for a balance below zero (commission of orders
 * refunded after it was paid) what the affiliate owes. */
export function payableText(amount, currency) {
  if (amount < 0) return `owes ${formatMoney(-amount, currency)} from a refund after payout`;
  return `${formatMoney(amount, currency)} payable`;
}
