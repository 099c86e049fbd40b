// The Codes page's dialogs.
import { useState } from 'react';
import { Banner, BlockStack, Checkbox, FormLayout, List, Modal, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { parseMoney, parsePercent } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';
import { storeLabel } from './CodeFilters.jsx';

const types = [
  { label: 'Percentage off', value: 'percentage' },
  { label: 'Fixed amount off', value: 'fixed_amount' },
  { label: 'Free shipping', value: 'free_shipping' },
];

/** A discount form's state, and the API fields it makes (null if invalid). */
function useDiscount(currency) {
  const [d, setD] = useState({ type: 'percentage', value: '10' });
  let value = 0;
  if (d.type === 'percentage') value = parsePercent(d.value);
  if (d.type === 'fixed_amount') value = parseMoney(d.value, currency);
  const spec = value === null || (d.type !== 'free_shipping' && !value) ? null
    : { discount_type: d.type, discount_value: value, ...(d.type === 'fixed_amount' ? { currency } : {}) };
  const fields = (
    <FormLayout.Group condensed>
      <Select label="Discount" options={types} value={d.type} onChange={(v) => setD({ ...d, type: v })} />
      {d.type !== 'free_shipping' && (
        <TextField label={d.type === 'percentage' ? 'Percent' : 'Amount'} suffix={d.type === 'percentage' ? '%' : currency}
          value={d.value} onChange={(v) => setD({ ...d, value: v })} autoComplete="off" error={spec ? undefined : 'Enter a valid discount'} />
      )}
    </FormLayout.Group>
  );
  return [spec, fields];
}

function affiliateOptions(affiliates, first) {
  return [first, ...affiliates.filter((a) => a.status === 'active').map((a) => ({ label: `${a.name} (${a.email})`, value: String(a.id) }))];
}

/** Generates codes from the naming rule, with a preview first; with several stores connected, for the one chosen. */
export function GenerateModal({ affiliates, affiliate, stores, onClose, onDone }) {
  const { settings, toast } = useApp();
  const currency = (settings && settings.currency) || 'USD';
  const [template, setTemplate] = useState((settings && settings.naming_rule) || '{FIRST}{DISCOUNT}');
  const [target, setTarget] = useState(affiliate ? String(affiliate) : 'missing');
  const [picked, setStore] = useState('');
  const store = picked || (stores.length ? String(stores[0].id) : ''); // the stores may load after the dialog opens
  const [spec, discountFields] = useDiscount(currency);
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const body = { template, ...spec, ...(target === 'missing' ? { all_missing: true } : { affiliate_ids: [Number(target)] }),
    ...(store ? { connection_id: Number(store) } : {}) };
  const call = async (path) => {
    setBusy(true);
    setError(null);
    try {
      return await api(path, { method: 'POST', body });
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const showPreview = async () => setPreview(await call('/codes/preview'));
  const generate = async () => {
    const res = await call('/codes/generate');
    if (res) {
      toast(`${res.count} code${res.count === 1 ? '' : 's'} generated`);
      onDone();
    }
  };
  return (
    <Modal open onClose={onClose} title="Generate codes"
      primaryAction={{ content: 'Generate codes', onAction: generate, loading: busy, disabled: !spec }}
      secondaryActions={[{ content: 'Preview', onAction: showPreview, disabled: !spec }, { content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <FormLayout>
            <Select label="For" options={affiliateOptions(affiliates, { label: 'Every active affiliate without a code', value: 'missing' })} value={target} onChange={(v) => { setTarget(v); setPreview(null); }} />
            {stores.length > 1 && (
              <Select label="Store" options={stores.map((c) => ({ label: storeLabel(c), value: String(c.id) }))} value={store}
                onChange={(v) => { setStore(v); setPreview(null); }} helpText="The codes are created on this store." />
            )}
            <TextField label="Naming rule" value={template} onChange={(v) => { setTemplate(v); setPreview(null); }} autoComplete="off"
              helpText="{FIRST} first name, {LAST} last name, {NAME} full name, {DISCOUNT} the discount number, {RANDOM4} four random characters; - and _ are kept where the store allows them." />
            {discountFields}
          </FormLayout>
          {preview && (
            preview.count ? (
              <Banner tone="info" title={`Preview: ${preview.count} code${preview.count === 1 ? '' : 's'}`}>
                <List>{preview.data.slice(0, 10).map((g) => <List.Item key={g.affiliate_id}>{g.code} for {g.affiliate_name}</List.Item>)}</List>
              </Banner>
            ) : <Banner tone="warning">Nobody to generate for: every active affiliate already has a code.</Banner>
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Adds a code typed by the merchant, with its own discount. */
export function NewCodeModal({ affiliates, onClose, onDone }) {
  const { settings, toast } = useApp();
  const [code, setCode] = useState('');
  const [aff, setAff] = useState('');
  const [once, setOnce] = useState(false);
  const [spec, discountFields] = useDiscount((settings && settings.currency) || 'USD');
  const [error, setError] = useState(null);
  const save = async () => {
    try {
      const c = await api('/codes', { method: 'POST', body: { code, ...spec, once_per_customer: once, ...(aff ? { affiliate_id: Number(aff) } : {}) } });
      toast(`${c.code} added`);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal open onClose={onClose} title="Add a code" primaryAction={{ content: 'Add code', onAction: save, disabled: !code.trim() || !spec }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <FormLayout>
            <TextField label="Code" value={code} onChange={setCode} autoComplete="off" autoFocus helpText="Customers type this at checkout; it is created on your store too." />
            {discountFields}
            <Checkbox label="Once per customer" checked={once} onChange={setOnce} />
            <Select label="Affiliate" options={affiliateOptions(affiliates, { label: 'Nobody yet', value: '' })} value={aff} onChange={setAff} />
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Gives a code to an affiliate. */
export function AssignModal({ code, affiliates, onClose, onDone }) {
  const { toast } = useApp();
  const [aff, setAff] = useState('');
  const [error, setError] = useState(null);
  const save = async () => {
    try {
      await api(`/codes/${code.id}/assign`, { method: 'POST', body: { affiliate_id: Number(aff) } });
      toast(`${code.code} assigned`);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Assign ${code.code}`} primaryAction={{ content: 'Assign', onAction: save, disabled: !aff }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Orders paid with {code.code} from now on earn this affiliate commission. They get an email with the code.</Text>
          <Select label="Affiliate" options={affiliateOptions(affiliates, { label: 'Choose an affiliate', value: '' })} value={aff} onChange={setAff} />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/**
 * What turning a code off means for its store: a checkbox to switch it off
 * there too when the store lets Codecredit do it, else a plain warning.
 */
function StoreOffChoice({ code, store, checked, onChange, shown }) {
  if (!store || code.sync_status !== 'synced') return null;
  const name = storeLabel(store);
  if (store.can_deactivate_codes) {
    return (
      <Checkbox label={`Also turn the code off on ${name}`} checked={checked} onChange={onChange}
        helpText="Customers can no longer use it at checkout. It stays listed in the store's discounts." />
    );
  }
  if (!shown) return null;
  return (
    <Banner tone="warning">
      Codecredit cannot turn codes off on {name}: deactivating {code.code} here does not stop it at checkout.
    </Banner>
  );
}

/** What customers can still do with an active code once it is unassigned. */
function stillUsable(code, store) {
  const later = 'you can give it to another affiliate later.';
  if (!store) return `Customers can still use ${code.code} unless you deactivate it; ${later}`;
  const where = store.can_deactivate_codes ? 'unless you turn it off there too' : "until you turn it off in the store's own discounts";
  return `Customers can still use ${code.code} on ${storeLabel(store)} ${where}; ${later}`;
}

/** The toast after turning a code off, saying what happens on the store. */
function offToast(code, store, onStore, what) {
  return onStore && store ? `${code.code} ${what}; turning it off on ${storeLabel(store)}` : `${code.code} ${what}`;
}

/** Takes a code away from its affiliate, after saying what happens; it can deactivate the code too, here and on its store. */
export function UnassignModal({ code, affiliate, store, onClose, onDone }) {
  const { toast } = useApp();
  const [deactivate, setDeactivate] = useState(false);
  const [onStore, setOnStore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const who = affiliate || 'the affiliate';
  const save = async () => {
    setBusy(true);
    try {
      await api(`/codes/${code.id}/unassign`, { method: 'POST', body: onStore ? { deactivate: true, on_store: true } : { deactivate } });
      toast(offToast(code, store, onStore, deactivate ? 'unassigned and deactivated' : 'unassigned'));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  let primary = 'Unassign';
  if (deactivate) primary = onStore ? 'Unassign and turn off' : 'Unassign and deactivate';
  return (
    <Modal open onClose={onClose} title={`Unassign ${code.code}?`}
      primaryAction={{ content: primary, destructive: true, onAction: save, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Orders paid with {code.code} from now on earn {who} no commission. Commission {who} already earned stays.</Text>
          <Text as="p">{code.active ? stillUsable(code, store) : `${code.code} is already inactive.`}</Text>
          {code.active && (
            <Checkbox label="Also deactivate the code" checked={deactivate}
              onChange={(v) => { setDeactivate(v); if (!v) setOnStore(false); }}
              helpText="Orders with it are no longer counted." />
          )}
          {code.active && (
            <StoreOffChoice code={code} store={store} checked={onStore} shown={deactivate}
              onChange={(v) => { setOnStore(v); if (v) setDeactivate(true); }} />
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** Deactivates a code, after saying what happens; it can turn the code off on its store too. */
export function DeactivateModal({ code, store, onClose, onDone }) {
  const { toast } = useApp();
  const [onStore, setOnStore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const save = async () => {
    setBusy(true);
    try {
      await api(`/codes/${code.id}/deactivate`, { method: 'POST', body: onStore ? { on_store: true } : {} });
      toast(offToast(code, store, onStore, 'deactivated'));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open onClose={onClose} title={`Deactivate ${code.code}?`}
      primaryAction={{ content: onStore ? 'Deactivate and turn off' : 'Deactivate', destructive: true, onAction: save, loading: busy }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={error} />
          <Text as="p">Orders paid with {code.code} are no longer counted, and it can no longer be given to an affiliate. Commission already earned stays.</Text>
          <StoreOffChoice code={code} store={store} checked={onStore} onChange={setOnStore} shown />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
