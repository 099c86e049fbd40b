// Developers: the account's API keys (named, scoped, revocable) and where
// the API is described.
import { useState } from 'react';
import { Badge, BlockStack, Button, Card, IndexTable, InlineStack, Link, Page, Text, useBreakpoints } from '@shopify/polaris';
import { scopeLabel } from '../apiKeys.js';
import { useApi } from '../hooks.js';
import { Empty, ErrorBanner, formatDate } from '../ui.jsx';
import { NewApiKey, RevokeApiKey } from './ApiKeyModals.jsx';
import { dateTimeText } from './PortalLink.jsx';

/** The Developers page. */
export function Developers() {
  const keys = useApi('/api-keys');
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState(null);
  const rows = (keys.data && keys.data.data) || [];
  return (
    <Page title="Developers" subtitle="API keys for your own scripts and services, and the API's reference"
      primaryAction={{ content: 'Create API key', onAction: () => setCreating(true) }}>
      <BlockStack gap="400">
        <Card>
          <Text as="p">
            The API is described in OpenAPI 3.1 at <Link url="/api/v1/openapi.json" target="_blank">/api/v1/openapi.json</Link>: every
            route, what it takes and answers, and the scope a key needs for it.
          </Text>
        </Card>
        <ErrorBanner error={keys.error} onRetry={keys.reload} />
        {!keys.loading && !keys.error && rows.length === 0 ? (
          <Empty heading="No API key yet" action={{ content: 'Create API key', onAction: () => setCreating(true) }}>
            A key lets a script of yours call the API: report orders from your checkout, read commissions into a spreadsheet.
          </Empty>
        ) : (
          <KeyTable rows={rows} loading={keys.loading} onRevoke={setRevoking} />
        )}
      </BlockStack>
      {creating && <NewApiKey onClose={() => setCreating(false)} onDone={keys.reload} />}
      {revoking && <RevokeApiKey apiKey={revoking} onClose={() => setRevoking(null)} onDone={() => { setRevoking(null); keys.reload(); }} />}
    </Page>
  );
}

function KeyTable({ rows, loading, onRevoke }) {
  const { smUp } = useBreakpoints();
  const headings = smUp
    ? [{ title: 'Name' }, { title: 'Key' }, { title: 'Access' }, { title: 'Created' }, { title: 'Last used' }, { title: 'Status' }, { title: '' }]
    : [{ title: 'API key' }, { title: '' }];
  return (
    <Card padding="0">
      <IndexTable resourceName={{ singular: 'API key', plural: 'API keys' }} itemCount={rows.length} selectable={false} loading={loading} headings={headings}>
        {rows.map((k, i) => {
          const status = k.revoked_at ? <Badge>{`Revoked ${formatDate(k.revoked_at)}`}</Badge> : <Badge tone="success">Active</Badge>;
          const revoke = k.revoked_at ? null : <Button size="slim" tone="critical" onClick={() => onRevoke(k)} accessibilityLabel={`Revoke ${k.name}`}>Revoke</Button>;
          const access = (
            <InlineStack gap="100">{(k.scopes || []).map((s) => <Badge key={s} tone={s === 'full' ? 'attention' : undefined}>{scopeLabel(s)}</Badge>)}</InlineStack>
          );
          const used = k.last_used_at ? dateTimeText(k.last_used_at) : 'never';
          return (
            <IndexTable.Row id={String(k.id)} key={k.id} position={i}>
              {smUp ? (
                <>
                  <IndexTable.Cell><Text as="span" fontWeight="semibold">{k.name}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" tone="subdued"><code>{k.prefix}…</code></Text></IndexTable.Cell>
                  <IndexTable.Cell>{access}</IndexTable.Cell>
                  <IndexTable.Cell>{formatDate(k.created_at)}</IndexTable.Cell>
                  <IndexTable.Cell>{k.last_used_at ? used : 'Never'}</IndexTable.Cell>
                  <IndexTable.Cell>{status}</IndexTable.Cell>
                  <IndexTable.Cell>{revoke}</IndexTable.Cell>
                </>
              ) : (
                <>
                  <IndexTable.Cell>
                    <BlockStack gap="100">
                      <Text as="span" fontWeight="semibold">{k.name} <code>{k.prefix}…</code></Text>
                      {access}
                      <Text as="span" tone="subdued" variant="bodySm">Created {formatDate(k.created_at)} · last used {used}</Text>
                      <InlineStack>{status}</InlineStack>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{revoke}</IndexTable.Cell>
                </>
              )}
            </IndexTable.Row>
          );
        })}
      </IndexTable>
    </Card>
  );
}
