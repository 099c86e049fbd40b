// The Affiliates page's modals: add one (errors under their field), add
// many from a CSV, and the confirmation before deactivating.
import { useState } from 'react';
import { Banner, BlockStack, DropZone, FormLayout, List, Modal, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { affiliatesFromCSV } from '../csv.js';
import { formErrors } from '../formErrors.js';
import { ErrorBanner, useApp } from '../ui.jsx';

/** Adds one affiliate; an error about a field is shown under it. */
export function NewAffiliate({ onClose, onDone }) {
  const { toast } = useApp();
  const [f, setF] = useState({ name: '', email: '', notes: '' });
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const errs = formErrors(error, ['name', 'email', 'notes']);
  const set = (k) => (v) => {
    setF({ ...f, [k]: v });
    if (errs.fields[k]) setError(null);
  };
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
          <ErrorBanner error={errs.general} />
          <FormLayout>
            <TextField label="Name" value={f.name} onChange={set('name')} autoComplete="off" autoFocus error={errs.fields.name} />
            <TextField label="Email" type="email" value={f.email} onChange={set('email')} autoComplete="off"
              helpText="Their codes and earnings are sent here." error={errs.fields.email} />
            <TextField label="Notes" value={f.notes} onChange={set('notes')} autoComplete="off" multiline={2} error={errs.fields.notes} />
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Adds affiliates from pasted or dropped CSV lines, one call each. */
export function ImportCSV({ onClose, onDone }) {
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

/** Asks before deactivating the selected affiliates, saying what it does to their codes. */
export function DeactivateModal({ count, names, busy, onClose, onConfirm }) {
  const who = count === 1 ? names[0] || '1 affiliate' : `${count} affiliates`;
  return (
    <Modal open onClose={onClose} title={`Deactivate ${who}?`}
      primaryAction={{ content: 'Deactivate', destructive: true, onAction: onConfirm, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="200">
          <Text as="p">While deactivated:</Text>
          <List>
            <List.Item>Their codes stay assigned to them and still give customers the discount.</List.Item>
            <List.Item>Orders paid with their codes are recorded without commission, and subscription renewals they brought stop earning.</List.Item>
            <List.Item>They cannot sign in to the affiliate portal or be sent their codes.</List.Item>
            <List.Item>Commission they already earned is kept and can still be paid out.</List.Item>
          </List>
          <Text as="p" tone="subdued">You can activate them again at any time; orders placed in between do not earn afterwards.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
