// Webhooks: the endpoints that receive the program's events (new
// conversions, reversed and approved commissions, payouts paid or failed,
// assigned codes, new affiliates), each signed with its
// own secret; one opened shows its secret and its recent deliveries.
import { useState } from 'react';
import {
  Badge, BlockStack, Box, Card, Checkbox, FormLayout, IndexTable, Modal, Page, Text, TextField, useBreakpoints,
} from '@shopify/polaris';
import { api } from '../api.js';
import { formErrors } from '../formErrors.js';
import { useApi } from '../hooks.js';
import { Empty, ErrorBanner, useApp } from '../ui.jsx';
import { dateTimeText } from './PortalLink.jsx';
import { WebhookEndpoint } from './WebhookEndpoint.jsx';

/** What each event type means, in the merchant's words. */
export const eventText = {
  'conversion.created': 'Conversion created: an order was credited to an affiliate',
  'commission.reversed': 'Commission reversed: a refund took commission back',
  'commission.approved': 'Commission approved: its hold ended, the commission is payable',
  'payout.paid': 'Payout paid: the money reached an affiliate (recorded by you, or confirmed by PayPal, Stripe or the store)',
  'payout.failed': 'Payout failed: PayPal, Stripe or the store did not pay, the money is back in the balance',
  'code.assigned': 'Code assigned: a code was given to an affiliate, new or moved from another',
  'affiliate.created': 'Affiliate created: someone joined the program',
};

/** An endpoint's state as a badge. */
export function EndpointBadge({ endpoint }) {
  if (!endpoint.enabled) return <Badge tone={endpoint.disabled_reason ? 'critical' : undefined}>Disabled</Badge>;
  if (endpoint.failure_streak > 0) return <Badge tone="warning">{`Failing (${endpoint.failure_streak})`}</Badge>;
  return <Badge tone="success">Enabled</Badge>;
}

/** The Webhooks page. */
export function Webhooks() {
  const list = useApi('/webhook-endpoints');
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState(null);
  const { smDown } = useBreakpoints();
  const rows = (list.data && list.data.data) || [];
  const create = { content: 'Add endpoint', onAction: () => setCreating(true) };
  return (
    <Page title="Webhooks" subtitle="Send your program's events to your own systems as they happen, signed so you can trust them."
      primaryAction={rows.length ? create : undefined}>
      <BlockStack gap="400">
        <ErrorBanner error={list.error} onRetry={list.reload} />
        {!list.loading && !list.error && rows.length === 0 ? (
          <Empty heading="No webhook endpoints yet" action={create}>
            Add the https address of a service of yours and choose the events it should receive. Each delivery is signed
            (Standard Webhooks) and retried for about a day until your service answers 2xx.
          </Empty>
        ) : (
          <Card padding="0">
            <IndexTable resourceName={{ singular: 'endpoint', plural: 'endpoints' }} itemCount={rows.length} selectable={false}
              loading={list.loading} condensed={smDown}
              headings={[{ title: 'Endpoint' }, { title: 'Events' }, { title: 'Status' }, { title: 'Added' }]}>
              {rows.map((ep, i) => (
                <IndexTable.Row id={String(ep.id)} key={ep.id} position={i} onClick={() => setOpen(ep.id)}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold" breakWord>{ep.url}</Text>
                      {ep.description && <Text as="span" tone="subdued" variant="bodySm">{ep.description}</Text>}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell><div style={{ maxWidth: 280, whiteSpace: 'normal' }}>{ep.events.join(', ')}</div></IndexTable.Cell>
                  <IndexTable.Cell><EndpointBadge endpoint={ep} /></IndexTable.Cell>
                  <IndexTable.Cell>{dateTimeText(ep.created_at)}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        )}
      </BlockStack>
      {creating && (
        <EndpointForm onClose={() => setCreating(false)}
          onSaved={(ep) => { setCreating(false); list.reload(); setOpen(ep.id); }} />
      )}
      {open && <WebhookEndpoint id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </Page>
  );
}

/** Adds an endpoint, or edits one (endpoint given); field errors show under their fields. */
export function EndpointForm({ endpoint, onClose, onSaved }) {
  const { toast } = useApp();
  const [url, setUrl] = useState(endpoint ? endpoint.url : '');
  const [description, setDescription] = useState(endpoint ? endpoint.description : '');
  const [events, setEvents] = useState(endpoint ? endpoint.events : ['conversion.created']);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, ['url', 'description', 'events']);
  const toggle = (type, on) => setEvents(on ? [...events, type] : events.filter((e) => e !== type));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { url, description, events, ...(endpoint ? { enabled: endpoint.enabled } : {}) };
      const ep = endpoint
        ? await api(`/webhook-endpoints/${endpoint.id}`, { method: 'PUT', body })
        : await api('/webhook-endpoints', { method: 'POST', body });
      toast(endpoint ? 'Endpoint saved' : 'Endpoint added');
      onSaved(ep);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={endpoint ? 'Edit endpoint' : 'Add webhook endpoint'}
      primaryAction={{ content: endpoint ? 'Save' : 'Add endpoint', onAction: save, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={errs.general} />
          <FormLayout>
            <TextField label="Endpoint URL" value={url} onChange={setUrl} autoComplete="off" placeholder="https://example.com/codecredit"
              helpText="An https address your service listens on. Addresses inside a private network are refused."
              error={errs.fields.url} />
            <TextField label="Description" value={description} onChange={setDescription} autoComplete="off"
              placeholder="Optional, e.g. Accounting sync" error={errs.fields.description} />
            <Box>
              <BlockStack gap="100">
                <Text as="p" variant="bodyMd">Events to send</Text>
                {Object.entries(eventText).map(([type, text]) => (
                  <Checkbox key={type} label={text} checked={events.includes(type)} onChange={(on) => toggle(type, on)} />
                ))}
                {errs.fields.events && <Text as="p" tone="critical">{errs.fields.events}</Text>}
              </BlockStack>
            </Box>
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
