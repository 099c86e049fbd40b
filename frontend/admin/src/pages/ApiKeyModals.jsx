// The Developers page's dialogs: create a key (its secret shown once, with
// a copy button) and the confirmation before revoking one.
import { useState } from 'react';
import { Banner, BlockStack, Button, ChoiceList, FormLayout, InlineGrid, Modal, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { areas, presets, scopesFor } from '../apiKeys.js';
import { formErrors } from '../formErrors.js';
import { ErrorBanner, useApp } from '../ui.jsx';
import { copy } from './PortalLink.jsx';

const areaAccess = [
  { label: 'No access', value: '' },
  { label: 'Read', value: 'read' },
  { label: 'Read and write', value: 'write' },
];

/** Creates a key; once made, shows its secret this one time. */
export function NewApiKey({ onClose, onDone }) {
  const [name, setName] = useState('');
  const [preset, setPreset] = useState('read');
  const [perArea, setPerArea] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const [made, setMade] = useState(null);
  const errs = formErrors(error, ['name', 'scopes']);
  const save = async () => {
    setSaving(true);
    try {
      setMade(await api('/api-keys', { method: 'POST', body: { name, scopes: scopesFor(preset, perArea) } }));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  if (made) return <ShowSecret made={made} onClose={onClose} />;
  return (
    <Modal open onClose={onClose} title="Create API key"
      primaryAction={{ content: 'Create key', onAction: save, loading: saving, disabled: !name.trim() }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={errs.general} />
          <FormLayout>
            <TextField label="Name" value={name} onChange={(v) => { setName(v); setError(null); }} autoComplete="off" autoFocus
              helpText="Who or what uses it, such as “Checkout” or “Zapier”." error={errs.fields.name} />
            <ChoiceList title="Access" choices={presets} selected={[preset]} onChange={([v]) => { setPreset(v); setError(null); }}
              error={preset !== 'custom' ? errs.fields.scopes : undefined} />
          </FormLayout>
          {preset === 'custom' && (
            <BlockStack gap="200">
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                {areas.map(([a, label]) => (
                  <Select key={a} label={label} options={areaAccess} value={perArea[a] || ''}
                    onChange={(v) => { setPerArea({ ...perArea, [a]: v }); setError(null); }} />
                ))}
              </InlineGrid>
              {errs.fields.scopes && <Text as="p" tone="critical">{errs.fields.scopes}</Text>}
            </BlockStack>
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** The new key's secret, shown once, with a copy button. */
function ShowSecret({ made, onClose }) {
  const { toast } = useApp();
  const copyKey = async () => toast((await copy(made.key)) ? 'API key copied' : 'Copying is blocked here: select the key and copy it', false);
  return (
    <Modal open onClose={onClose} title={`API key “${made.name}” created`}
      primaryAction={{ content: 'Done', onAction: onClose }}>
      <Modal.Section>
        <BlockStack gap="300">
          <Banner tone="warning">Copy this key now: it is shown only once. Codecredit keeps only a fingerprint of it and cannot show it again.</Banner>
          <TextField label="API key" value={made.key} readOnly autoComplete="off" selectTextOnFocus monospaced
            connectedRight={<Button onClick={copyKey}>Copy</Button>} />
          <Text as="p" tone="subdued">Send it as the header <code>Authorization: Bearer {made.prefix}…</code> with each request to the API.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Asks before revoking a key: scripts using it stop at once. */
export function RevokeApiKey({ apiKey, onClose, onDone }) {
  const { toast } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const revoke = async () => {
    setBusy(true);
    try {
      await api(`/api-keys/${apiKey.id}`, { method: 'DELETE' });
      toast(`API key “${apiKey.name}” revoked`);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Revoke “${apiKey.name}”?`}
      primaryAction={{ content: 'Revoke key', destructive: true, onAction: revoke, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Every script or service using the key {apiKey.prefix}… is refused from its next request. This cannot be undone: you would create a new key instead.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
