// The email template editor, with a rendered preview.
import { useEffect, useState } from 'react';
import { Badge, BlockStack, Button, Card, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { useApp } from '../ui.jsx';

const kinds = [
  { label: 'Code assignment', value: 'code_assignment' },
  { label: 'Earnings summary', value: 'earnings_summary' },
  { label: 'Reversal notice', value: 'reversal_notice' },
  { label: 'Portal sign-in link', value: 'portal_login' },
];

/** Edits the account's email templates, one kind at a time. */
export function EmailTemplates() {
  const { toast } = useApp();
  const [kind, setKind] = useState('code_assignment');
  const tpl = useApi(`/settings/email-templates/${kind}`);
  const [f, setF] = useState(null);
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setPreview(null);
    setError('');
    if (tpl.data) setF({ subject: tpl.data.subject, text: tpl.data.text, html: tpl.data.html });
  }, [tpl.data]);
  if (tpl.error && tpl.error.status === 404) {
    return <Card><Text as="p" tone="subdued">Email templates can be edited here once this server sends emails.</Text></Card>;
  }
  if (!f) return <Card><Text as="p" tone="subdued">Loading templates…</Text></Card>;
  const call = async (path, method) => {
    setError('');
    try {
      return await api(path, { method, body: f });
    } catch (e) {
      setError(e.message);
      return null;
    }
  };
  const showPreview = async () => setPreview(await call(`/settings/email-templates/${kind}/preview`, 'POST'));
  const save = async () => {
    if (await call(`/settings/email-templates/${kind}`, 'PUT')) {
      toast('Template saved');
      tpl.reload();
    }
  };
  const reset = async () => {
    try {
      await api(`/settings/email-templates/${kind}`, { method: 'DELETE' });
      toast('Back to the built-in template');
      tpl.reload();
    } catch (e) {
      setError(e.message);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="end">
          <Select label="Email" options={kinds} value={kind} onChange={setKind} />
          {tpl.data && <Badge tone={tpl.data.custom ? 'info' : undefined}>{tpl.data.custom ? 'Your template' : 'Built-in template'}</Badge>}
        </InlineStack>
        <TextField label="Subject" value={f.subject} onChange={(v) => setF({ ...f, subject: v })} autoComplete="off" />
        <TextField label="Plain text" value={f.text} onChange={(v) => setF({ ...f, text: v })} multiline={6} maxHeight={220} autoComplete="off" monospaced />
        <TextField label="HTML" value={f.html} onChange={(v) => setF({ ...f, html: v })} multiline={6} maxHeight={220} autoComplete="off" monospaced error={error || undefined} />
        <InlineStack gap="200" align="end">
          {tpl.data && tpl.data.custom && <Button variant="plain" onClick={reset}>Use the built-in template</Button>}
          <Button onClick={showPreview}>Preview</Button>
          <Button variant="primary" onClick={save}>Save template</Button>
        </InlineStack>
        {preview && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">Subject: {preview.subject}</Text>
            <iframe title="Email preview" sandbox="" srcDoc={preview.html} style={{ width: '100%', height: 320, border: '1px solid #e3e3e3', borderRadius: 8 }} />
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
