// Commission: which rule decides a line's commission, what it is computed
// on, the rules for codes, products, variants and collections (add, edit,
// delete), the tiers, and a live preview of what an order would earn.
import { useState } from 'react';
import { BlockStack, Box, Button, Card, IndexTable, InlineStack, List, Page, Text, useBreakpoints } from '@shopify/polaris';
import { precedence, scopeLabel } from '../commissionRules.js';
import { useApi } from '../hooks.js';
import { Empty, ErrorBanner, Loading, useApp } from '../ui.jsx';
import { CommissionBase } from './CommissionBase.jsx';
import { CommissionPreview } from './CommissionPreview.jsx';
import { CommissionTiers } from './CommissionTiers.jsx';
import { DeleteRuleModal, RuleModal } from './CommissionRuleModal.jsx';

/** What a rule targets, as a second line: "Product · id 632910392". */
function targetText(r) {
  if (r.scope === 'code') return 'Code';
  return r.label && r.label !== r.target ? `${scopeLabel(r.scope)} · id ${r.target}` : scopeLabel(r.scope);
}

/** The rules, in order of precedence. */
function RulesTable({ rules, loading, onEdit, onDelete }) {
  const { smDown } = useBreakpoints();
  const actions = (r) => (
    <InlineStack gap="100" wrap={false} align="end">
      <Button size="slim" onClick={() => onEdit(r)} accessibilityLabel={`Edit the rule for ${r.label || r.target}`}>Edit</Button>
      <Button size="slim" tone="critical" onClick={() => onDelete(r)} accessibilityLabel={`Delete the rule for ${r.label || r.target}`}>Delete</Button>
    </InlineStack>
  );
  const name = (r) => <Text as="span" fontWeight="semibold" breakWord>{r.label || r.target}</Text>;
  return (
    <Card padding="0">
      <IndexTable resourceName={{ singular: 'rule', plural: 'rules' }} itemCount={rules.length} selectable={false} loading={loading} condensed={smDown}
        headings={[{ title: 'Applies to' }, { title: 'What it pays' }, { title: 'Actions', alignment: 'end' }]}>
        {rules.map((r, i) => (smDown ? (
          <IndexTable.Row id={String(r.id)} key={r.id} position={i}>
            <div style={{ padding: '12px 16px', width: '100%' }}>
              <BlockStack gap="100">
                <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                  <BlockStack>{name(r)}<Text as="span" tone="subdued" variant="bodySm">{targetText(r)}</Text></BlockStack>
                  {actions(r)}
                </InlineStack>
                <Text as="p">{r.why}</Text>
              </BlockStack>
            </div>
          </IndexTable.Row>
        ) : (
          <IndexTable.Row id={String(r.id)} key={r.id} position={i}>
            <IndexTable.Cell>
              <BlockStack>{name(r)}<Text as="span" tone="subdued" variant="bodySm">{targetText(r)}</Text></BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>{r.why}</IndexTable.Cell>
            <IndexTable.Cell>{actions(r)}</IndexTable.Cell>
          </IndexTable.Row>
        )))}
      </IndexTable>
    </Card>
  );
}

/** The Commission page. */
export function Commission() {
  const { settings } = useApp();
  const list = useApi('/commission-rules');
  const codesList = useApi('/codes?per_page=100');
  const affs = useApi('/affiliates?per_page=200');
  const conns = useApi('/connections');
  const [modal, setModal] = useState(null);
  const [version, setVersion] = useState(0);
  if (!settings) return <Page title="Commission"><Loading /></Page>;
  const rules = (list.data && list.data.data) || [];
  const codes = (codesList.data && codesList.data.data) || [];
  const affiliates = ((affs.data && affs.data.data) || []).filter((a) => a.status === 'active');
  const stores = ((conns.data && conns.data.data) || []).filter((c) => c.platform !== 'api' && c.status === 'active');
  const add = () => setModal({ kind: 'edit', rule: null });
  const done = () => { setModal(null); list.reload(); setVersion((v) => v + 1); };
  return (
    <Page title="Commission" subtitle="What each order earns your affiliates, line by line."
      primaryAction={{ content: 'Add rule', onAction: add }}>
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Which rule decides</Text>
            <Text as="p" tone="subdued">Each line of an order earns by the first rule that applies:</Text>
            <List type="number">
              {precedence(settings.default_commission, settings.currency).map((s) => <List.Item key={s}>{s}</List.Item>)}
            </List>
          </BlockStack>
        </Card>
        <CommissionBase />
        <CommissionTiers onSaved={() => setVersion((v) => v + 1)} />
        <BlockStack gap="200">
          <Box paddingInlineStart={{ xs: '400', sm: '0' }}><Text as="h2" variant="headingMd">Rules</Text></Box>
          <ErrorBanner error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? <Loading lines={3} /> : rules.length === 0 ? (
            <Empty heading="No commission rules yet" action={{ content: 'Add rule', onAction: add }}>
              Every order earns your default rate now. Add a rule to pay more or less for one code, product, variant or collection,
              or to exclude a product (gift cards, for example) so it earns nothing.
            </Empty>
          ) : (
            <RulesTable rules={rules} loading={list.loading} onEdit={(rule) => setModal({ kind: 'edit', rule })}
              onDelete={(rule) => setModal({ kind: 'delete', rule })} />
          )}
        </BlockStack>
        {/* Until the stores are known the preview would be worked out for no store, then again for the first. */}
        <CommissionPreview affiliates={affiliates} codes={codes} stores={conns.data || conns.error ? stores : null} version={version} />
      </BlockStack>
      {modal && modal.kind === 'edit' && <RuleModal rule={modal.rule} codes={codes} stores={stores} onClose={() => setModal(null)} onDone={done} />}
      {modal && modal.kind === 'delete' && <DeleteRuleModal rule={modal.rule} onClose={() => setModal(null)} onDone={done} />}
    </Page>
  );
}
