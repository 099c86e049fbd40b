// The Commission page's dialogs: add or edit a rule, delete one.
import { useEffect, useState } from 'react';
import { BlockStack, Box, Button, FormLayout, InlineStack, Modal, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { SCOPES, kindOptions, ruleBody, ruleErrorField, ruleForm } from '../commissionRules.js';
import { formErrors } from '../formErrors.js';
import { useApi, useDebounced } from '../hooks.js';
import { ErrorBanner, useApp } from '../ui.jsx';
import { storeLabel } from './CodeFilters.jsx';

const API_FIELDS = ['scope', 'target', 'label', 'kind', 'basis_points', 'flat_amount', 'currency', 'connection_id'];

const scopeHelp = {
  code: 'Every order paid with this code earns this rate, instead of the affiliate’s own or your default.',
  variant: 'Lines of this variant only (one size or colour of a product).',
  product: 'Lines of this product, whichever variant.',
  collection: 'Lines of any product in this collection, unless the product or variant has its own rule.',
};

/** Products or collections of the store's catalog matching what is typed; picking one fills in its id and name. */
function CatalogSearch({ scope, onPick }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const term = useDebounced(q, 250);
  useEffect(() => {
    if (!term.trim()) { setFound(null); return undefined; }
    let live = true;
    api(`/catalog?q=${encodeURIComponent(term.trim())}`)
      .then((r) => live && setFound(scope === 'collection' ? r.collections || [] : r.products || []))
      .catch(() => live && setFound([]));
    return () => { live = false; };
  }, [term, scope]);
  return (
    <BlockStack gap="200">
      <TextField label={`Find a ${scope} in your catalog`} value={q} onChange={setQ} autoComplete="off" placeholder="Type part of its title" />
      {found && (found.length === 0
        ? <Text as="p" tone="subdued">Nothing matches “{term}”.</Text>
        : (
          <InlineStack gap="200" wrap>
            {found.slice(0, 8).map((it) => (
              <Button key={`${it.connection_id}-${it.id}`} size="slim" onClick={() => { onPick(it); setQ(''); }}>{it.title}</Button>
            ))}
          </InlineStack>
        ))}
    </BlockStack>
  );
}

/** Adds a rule (rule null) or changes one. */
export function RuleModal({ rule, codes, stores, onClose, onDone }) {
  const { settings, toast } = useApp();
  const currency = settings.currency;
  const [f, setF] = useState(() => ruleForm(rule, currency));
  const [error, setError] = useState(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const { body, rateError } = ruleBody(f, currency);
  const errs = formErrors(error, API_FIELDS);
  const fieldError = (name) => Object.entries(errs.fields).filter(([k]) => ruleErrorField(k) === name).map(([, v]) => v)[0];
  const set = (k) => (v) => { setF((old) => ({ ...old, [k]: v })); setError(null); };
  const setScope = (scope) => {
    setF((old) => ({ ...old, scope, target: old.scope === 'code' || scope === 'code' ? '' : old.target,
      kind: scope === 'code' && old.kind === 'exclude' ? 'percent' : old.kind }));
    setError(null);
  };
  // A store whose catalog cannot be searched yet (404) types the id instead.
  const probe = useApi('/catalog?q=');
  const searchable = f.scope !== 'code' && f.scope !== 'variant' && (probe.data !== null || (probe.error && probe.error.status !== 404));
  const noun = SCOPES.find((s) => s.value === f.scope).noun;
  const save = async () => {
    setTried(true);
    if (rateError) return;
    setBusy(true);
    try {
      const saved = await api(rule ? `/commission-rules/${rule.id}` : '/commission-rules', { method: rule ? 'PUT' : 'POST', body });
      toast(rule ? `Rule for ${saved.label || saved.target} saved` : `Rule for ${saved.label || saved.target} added`);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const codeOptions = [{ label: 'Choose a code', value: '' }, ...codes.map((c) => ({ label: c.code, value: String(c.id) }))];
  const flatLabel = f.scope === 'code' ? 'Amount per order' : 'Amount per unit sold';
  return (
    <Modal open onClose={onClose} title={rule ? `Edit the rule for ${rule.label || rule.target}` : 'Add rule'}
      primaryAction={{ content: rule ? 'Save rule' : 'Add rule', onAction: save, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={errs.general} />
          <FormLayout>
            <Select label="Applies to" options={SCOPES.map((s) => ({ label: s.label, value: s.value }))} value={f.scope} onChange={setScope}
              helpText={scopeHelp[f.scope]} error={fieldError('scope')} />
            {searchable && (
              <CatalogSearch scope={f.scope} onPick={(it) => setF((old) => ({ ...old, target: String(it.id), label: it.title, connection: String(it.connection_id || 0) }))} />
            )}
            {f.scope === 'code' ? (
              <Select label="Code" options={codeOptions} value={f.target} onChange={set('target')} error={fieldError('target')}
                helpText={codes.length ? undefined : 'You have no codes yet: add one on the Codes page first.'} />
            ) : (
              <FormLayout.Group condensed>
                <TextField label={`${noun.charAt(0).toUpperCase()}${noun.slice(1)} id`} value={f.target} onChange={set('target')} autoComplete="off"
                  error={fieldError('target')} helpText={`The ${noun}’s id on your store, as orders name it.`} />
                <TextField label="Name" value={f.label} onChange={set('label')} autoComplete="off" error={fieldError('label')}
                  helpText="How this page and your reports name it." />
              </FormLayout.Group>
            )}
            {f.scope !== 'code' && stores.length > 1 && (
              <Select label="Store" value={f.connection} onChange={set('connection')} error={fieldError('connection')}
                options={[{ label: 'Any store', value: '0' }, ...stores.map((c) => ({ label: storeLabel(c), value: String(c.id) }))]} />
            )}
            <FormLayout.Group condensed>
              <Select label="Pays" options={kindOptions(f.scope)} value={f.kind} onChange={set('kind')} error={fieldError('kind')} />
              {f.kind === 'percent' && (
                <TextField label="Commission" suffix="%" value={f.rate} onChange={set('rate')} autoComplete="off"
                  error={(tried && rateError) || fieldError('rate')} />
              )}
              {f.kind === 'flat' && (
                <TextField label={flatLabel} suffix={currency} value={f.rate} onChange={set('rate')} autoComplete="off"
                  error={(tried && rateError) || fieldError('rate')} />
              )}
            </FormLayout.Group>
            {f.kind === 'exclude' && (
              <Box><Text as="p" tone="subdued">Its lines earn nothing, even with a code that has its own rule.</Text></Box>
            )}
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Asks before deleting a rule. */
export function DeleteRuleModal({ rule, onClose, onDone }) {
  const { toast } = useApp();
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const name = rule.label || rule.target;
  const remove = async () => {
    setBusy(true);
    try {
      await api(`/commission-rules/${rule.id}`, { method: 'DELETE' });
      toast(`Rule for ${name} deleted`);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Delete the rule for ${name}?`}
      primaryAction={{ content: 'Delete rule', destructive: true, onAction: remove, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">{rule.why}. Orders booked from now on fall back to the next rule in line; commission already booked does not change.</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
