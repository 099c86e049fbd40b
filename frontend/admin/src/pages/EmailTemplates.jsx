// The email template editor: subject and body in plain text with merge
// tags, and a live preview with sample data and the shop's branding.
import { useEffect, useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi, useDebounced } from '../hooks.js';
import { useApp } from '../ui.jsx';

const kinds = [
  { label: 'Codes (when you give an affiliate codes)', value: 'code_assignment' },
  { label: 'Monthly earnings summary', value: 'earnings_summary' },
  { label: 'Commission reversed (after a refund)', value: 'reversal_notice' },
  { label: 'Portal sign-in link', value: 'portal_login' },
  { label: 'Payout paid, or needs the affiliate (PayPal)', value: 'payout_notice' },
];

/** The event EmailBranding sends when the branding changes, so the preview shows it. */
export const BRANDING_SAVED = 'codecredit:branding-saved';

/** Renders draft of kind on the server as the user types; {message, field, error}. */
function usePreview(draft) {
  const debounced = useDebounced(draft, 400);
  const [brandings, setBrandings] = useState(0);
  const [out, setOut] = useState({ message: null, field: '', error: '' });
  useEffect(() => {
    const on = () => setBrandings((n) => n + 1);
    window.addEventListener(BRANDING_SAVED, on);
    return () => window.removeEventListener(BRANDING_SAVED, on);
  }, []);
  useEffect(() => {
    if (!debounced) return undefined;
    let live = true;
    api(`/settings/email-templates/${debounced.kind}/preview`, { method: 'POST', body: { subject: debounced.subject, body: debounced.body } })
      .then((m) => live && setOut({ message: m, field: '', error: '' }))
      .catch((e) => live && setOut((o) => ({ message: o.message, field: (e.body && e.body.field) || '', error: e.message })));
    return () => { live = false; };
  }, [debounced, brandings]);
  return out;
}

/** Edits the account's email templates, one kind at a time. */
export function EmailTemplates() {
  const { toast } = useApp();
  const [kind, setKind] = useState('code_assignment');
  const tpl = useApi(`/settings/email-templates/${kind}`);
  const [f, setF] = useState(null);
  const [saveError, setSaveError] = useState({ field: '', error: '' });
  const [showText, setShowText] = useState(false);
  useEffect(() => {
    setSaveError({ field: '', error: '' });
    setF(tpl.data && tpl.data.kind === kind ? { kind, subject: tpl.data.subject, body: tpl.data.body } : null);
  }, [tpl.data, kind]);
  const preview = usePreview(f);
  if (tpl.error && tpl.error.status === 404) {
    return <Card><Text as="p" tone="subdued">Email templates can be edited here once this server sends emails.</Text></Card>;
  }
  if (!f) return <Card><Text as="p" tone="subdued">Loading templates…</Text></Card>;
  const fieldError = (name) => {
    if (saveError.field === name) return saveError.error;
    return preview.field === name ? preview.error : undefined;
  };
  const save = async () => {
    try {
      await api(`/settings/email-templates/${kind}`, { method: 'PUT', body: { subject: f.subject, body: f.body } });
      toast('Template saved');
      tpl.reload();
    } catch (e) {
      setSaveError({ field: (e.body && e.body.field) || 'body', error: e.message });
    }
  };
  const reset = async () => {
    try {
      await api(`/settings/email-templates/${kind}`, { method: 'DELETE' });
      toast('Back to the built-in template');
      tpl.reload();
    } catch (e) {
      toast(e.message, true);
    }
  };
  const edit = (k) => (v) => { setSaveError({ field: '', error: '' }); setF({ ...f, [k]: v }); };
  const insert = (tag) => edit('body')(`${f.body.replace(/\s*$/, '')}\n\n{{${tag}}}\n`);
  const msg = preview.message;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="end" gap="200">
          <Select label="Email" options={kinds} value={kind} onChange={setKind} />
          <Badge tone={tpl.data.custom ? 'info' : undefined}>{tpl.data.custom ? 'Your template' : 'Built-in template'}</Badge>
        </InlineStack>
        {tpl.data.legacy && (
          <Banner tone="info">
            <p>This email still uses the template you saved in an earlier version of Codecredit. Below is the built-in one: saving it (with your changes) replaces yours; “Use the built-in template” drops yours.</p>
          </Banner>
        )}
        <TextField label="Subject" value={f.subject} onChange={edit('subject')} autoComplete="off" error={fieldError('subject')} />
        <TextField label="Body" value={f.body} onChange={edit('body')} multiline={10} maxHeight={360} autoComplete="off" error={fieldError('body')}
          helpText="Plain text: a blank line starts a new paragraph. The email's HTML version is made from it, in your branded layout." />
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">Merge tags</Text>
          <Text as="p" tone="subdued" variant="bodySm">Type a tag where its value goes, or click one to add it at the end of the body.</Text>
          {tpl.data.tags.map((t) => (
            <InlineStack key={t.name} gap="200" blockAlign="center" wrap>
              <Button size="micro" onClick={() => insert(t.name)}>{`{{${t.name}}}`}</Button>
              <Text as="span" tone="subdued" variant="bodySm">{t.description}{t.required ? ' (required)' : ''}</Text>
            </InlineStack>
          ))}
        </BlockStack>
        <InlineStack gap="200" align="end">
          {tpl.data.custom && <Button variant="plain" onClick={reset}>Use the built-in template</Button>}
          <Button variant="primary" onClick={save}>Save template</Button>
        </InlineStack>
        {msg && (
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="h3" variant="headingSm">Preview (sample affiliate){preview.error ? ' — last valid version' : ''}</Text>
              <Button variant="plain" onClick={() => setShowText(!showText)}>{showText ? 'Show HTML version' : 'Show plain-text version'}</Button>
            </InlineStack>
            <Text as="p" breakWord><Text as="span" tone="subdued">Subject: </Text>{msg.subject}</Text>
            {showText
              ? <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit', border: '1px solid #e3e3e3', borderRadius: 8, padding: 12 }}>{msg.text}</pre>
              : <iframe title="Email preview" sandbox="" srcDoc={msg.html} style={{ width: '100%', height: 420, border: '1px solid #e3e3e3', borderRadius: 8 }} />}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
