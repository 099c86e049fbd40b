// Affiliates: search, pages, add one, or add many from a CSV.
import { useState } from 'react';
import {
  Banner, BlockStack, Card, DropZone, FormLayout, IndexTable, Link, Modal, Page, Pagination, Text, TextField, InlineStack, Box,
} from '@shopify/polaris';
import { api } from '../api.js';
import { useApi, useDebounced } from '../hooks.js';
import { affiliatesFromCSV } from '../csv.js';
import { Empty, ErrorBanner, StatusBadge, formatDate, useApp } from '../ui.jsx';

const PER_PAGE = 25;

/** The Affiliates page. */
export function Affiliates() {
  const query = new URLSearchParams(window.location.search);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState(query.get('new') ? 'new' : query.get('import') ? 'import' : '');
  const search = useDebounced(q, 250);
  const list = useApi(`/affiliates?per_page=${PER_PAGE}&page=${page}&q=${encodeURIComponent(search)}`);
  const rows = (list.data && list.data.data) || [];
  const total = (list.data && list.data.total) || 0;
  const done = () => {
    setModal('');
    list.reload();
  };
  return (
    <Page
      title="Affiliates"
      subtitle="The people who promote your store with their own codes."
      primaryAction={{ content: 'Add affiliate', onAction: () => setModal('new') }}
      secondaryActions={[{ content: 'Import CSV', onAction: () => setModal('import') }]}
    >
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        {!list.loading && total === 0 && !search ? (
          <Empty heading="Add your first affiliate" action={{ content: 'Add affiliate', onAction: () => setModal('new') }}
            secondaryAction={{ content: 'Import a CSV', onAction: () => setModal('import') }}>
            Add the people who promote you. Then give each one a code: orders paid with it earn them commission.
          </Empty>
        ) : (
          <Card padding="0">
            <Box padding="300">
              <TextField label="Search affiliates" labelHidden placeholder="Search by name or email" value={q}
                onChange={(v) => { setQ(v); setPage(1); }} autoComplete="off" clearButton onClearButtonClick={() => setQ('')} />
            </Box>
            <IndexTable
              resourceName={{ singular: 'affiliate', plural: 'affiliates' }}
              itemCount={rows.length}
              selectable={false}
              loading={list.loading}
              emptyState={<Box padding="400"><Text as="p" tone="subdued">No affiliate matches “{search}”.</Text></Box>}
              headings={[{ title: 'Name' }, { title: 'Email' }, { title: 'Status' }, { title: 'Added' }]}
            >
              {rows.map((a, i) => (
                <IndexTable.Row id={String(a.id)} key={a.id} position={i}>
                  <IndexTable.Cell>
                    <Link url={`/affiliates/${a.id}`} dataPrimaryLink monochrome removeUnderline>
                      <Text as="span" fontWeight="semibold">{a.name}</Text>
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{a.email}</IndexTable.Cell>
                  <IndexTable.Cell><StatusBadge status={a.status} /></IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(a.created_at)}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <InlineStack align="center">
                <Pagination
                  hasPrevious={page > 1}
                  onPrevious={() => setPage(page - 1)}
                  hasNext={page * PER_PAGE < total}
                  onNext={() => setPage(page + 1)}
                  label={`${total} affiliate${total === 1 ? '' : 's'} · page ${page} of ${Math.max(1, Math.ceil(total / PER_PAGE))}`}
                />
              </InlineStack>
            </Box>
          </Card>
        )}
      </BlockStack>
      {modal === 'new' && <NewAffiliate onClose={() => setModal('')} onDone={done} />}
      {modal === 'import' && <ImportCSV onClose={() => setModal('')} onDone={done} />}
    </Page>
  );
}

function NewAffiliate({ onClose, onDone }) {
  const { toast } = useApp();
  const [f, setF] = useState({ name: '', email: '', notes: '' });
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const save = async () => {
    setSaving(true);
    try {
      const a = await api('/affiliates', { method: 'POST', body: f });
      toast(`${a.name} added`);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open onClose={onClose} title="Add affiliate"
      primaryAction={{ content: 'Add affiliate', onAction: save, loading: saving, disabled: !f.name || !f.email }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <FormLayout>
            <TextField label="Name" value={f.name} onChange={set('name')} autoComplete="off" autoFocus />
            <TextField label="Email" type="email" value={f.email} onChange={set('email')} autoComplete="off"
              helpText="Their codes and earnings are sent here." />
            <TextField label="Notes" value={f.notes} onChange={set('notes')} autoComplete="off" multiline={2} />
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function ImportCSV({ onClose, onDone }) {
  const { toast } = useApp();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState([]);
  const rows = affiliatesFromCSV(text);
  const drop = async (files) => {
    if (files[0]) setText(await files[0].text());
  };
  const run = async () => {
    setBusy(true);
    const failed = [];
    let added = 0;
    for (const r of rows) {
      try {
        await api('/affiliates', { method: 'POST', body: { name: r.name, email: r.email, notes: r.notes } });
        added++;
      } catch (e) {
        failed.push(`Line ${r.line} (${r.email || 'no email'}): ${e.message}`);
      }
    }
    setBusy(false);
    setFailures(failed);
    toast(`${added} affiliate${added === 1 ? '' : 's'} added`);
    if (!failed.length) onDone();
  };
  return (
    <Modal open onClose={failures.length ? onDone : onClose} title="Import affiliates from CSV"
      primaryAction={{ content: `Add ${rows.length} affiliate${rows.length === 1 ? '' : 's'}`, onAction: run, loading: busy, disabled: !rows.length }}
      secondaryActions={[{ content: 'Close', onAction: failures.length ? onDone : onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">One affiliate per line: name, email and optional notes. A first line naming the columns is fine.</Text>
          {failures.length > 0 && (
            <Banner tone="warning" title={`${failures.length} line(s) were not added`}>
              <ul>{failures.map((m) => <li key={m}>{m}</li>)}</ul>
            </Banner>
          )}
          <DropZone accept=".csv,text/csv,text/plain" allowMultiple={false} onDrop={(_all, accepted) => drop(accepted)} label="CSV file">
            <DropZone.FileUpload actionHint="or drop a .csv file" />
          </DropZone>
          <TextField label="Or paste the lines" value={text} onChange={setText} multiline={5} autoComplete="off"
            placeholder={'name,email\nAnn Lee,ann@example.com'} helpText={rows.length ? `${rows.length} affiliate(s) found` : undefined} />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
