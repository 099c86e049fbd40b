// Branding of the emails to affiliates: program name, logo, colour and
// reply-to address, kept with the email settings.
import { useEffect, useState } from 'react';
import { BlockStack, Button, Card, FormLayout, InlineStack, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { Loading, useApp } from '../ui.jsx';
import { BRANDING_SAVED } from './EmailTemplates.jsx';

const fields = ['program_name', 'logo_url', 'brand_color', 'reply_to'];

/** The Branding card of Settings. */
export function EmailBranding() {
  const { toast } = useApp();
  const set = useApi('/settings/emails');
  const [f, setF] = useState(null);
  const [err, setErr] = useState({ field: '', error: '' });
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (set.data) setF(Object.fromEntries(fields.map((k) => [k, set.data[k] || ''])));
  }, [set.data]);
  if (set.error && set.error.status === 404) return null;
  if (!f) return <Loading lines={4} />;
  const edit = (k) => (v) => { setF({ ...f, [k]: v }); if (err.field === k) setErr({ field: '', error: '' }); };
  const error = (k) => (err.field === k ? err.error : undefined);
  const colourOK = /^#[0-9a-fA-F]{6}$/.test(f.brand_color);
  const save = async () => {
    setSaving(true);
    try {
      await api('/settings/emails', { method: 'PUT', body: f });
      setErr({ field: '', error: '' });
      toast('Branding saved');
      set.reload();
      window.dispatchEvent(new Event(BRANDING_SAVED));
    } catch (e) {
      setErr({ field: (e.body && e.body.field) || '', error: e.message });
      if (!(e.body && e.body.field)) toast(e.message, true);
    } finally {
      setSaving(false);
    }
  };
  const swatch = <span style={{ display: 'inline-block', width: 16, height: 16, borderRadius: 4, border: '1px solid #ccc', background: colourOK ? f.brand_color : '#1c1917' }} />;
  return (
    <Card>
      <BlockStack gap="300">
        <FormLayout>
          <TextField label="Program name" value={f.program_name} onChange={edit('program_name')} autoComplete="off" error={error('program_name')}
            placeholder="Your shop's name" helpText="The sender's name and the emails' header. Empty: your shop's name." />
          <TextField label="Logo URL" value={f.logo_url} onChange={edit('logo_url')} autoComplete="off" error={error('logo_url')}
            placeholder="https://shop.example/logo.png" helpText="An https:// image shown atop every email, up to 48 px high. Empty: the program name instead." />
          <TextField label="Brand colour" value={f.brand_color} onChange={edit('brand_color')} autoComplete="off" error={error('brand_color')}
            prefix={swatch} placeholder="#1c1917" helpText="As #rrggbb: the emails' top bar, links and buttons." />
          <TextField label="Reply-to address" type="email" value={f.reply_to} onChange={edit('reply_to')} autoComplete="off" error={error('reply_to')}
            placeholder="partners@shop.example" helpText="Where affiliates' replies go. Empty: your account's email." />
        </FormLayout>
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="p" tone="subdued" variant="bodySm">Used by every email; the template preview shows it.</Text>
          <Button variant="primary" onClick={save} loading={saving}>Save branding</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
