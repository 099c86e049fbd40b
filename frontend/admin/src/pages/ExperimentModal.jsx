// The modal that starts a discount experiment: a name, the whole program
// or one affiliate, 2 to 4 of the account's active codes (the first
// picked is the control), and the plan that sets the minimum sample.
import { useState } from 'react';
import { BlockStack, Checkbox, FormLayout, InlineError, Modal, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api.js';
import { togglePick } from '../experiments.js';
import { formErrors } from '../formErrors.js';
import { useApi, useDebounced } from '../hooks.js';
import { discountLabel } from '../money.js';
import { ErrorBanner, useApp } from '../ui.jsx';

const FIELDS = ['name', 'affiliate_id', 'code_ids', 'slug', 'baseline_rate', 'min_lift'];

/** Starts an experiment; errors about a field are shown under it. */
export function NewExperiment({ onClose, onDone }) {
  const { toast } = useApp();
  const [name, setName] = useState('');
  const [affiliate, setAffiliate] = useState('');
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState([]);
  const [known, setKnown] = useState({});
  const [baseline, setBaseline] = useState('5');
  const [lift, setLift] = useState('50');
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const search = useDebounced(q, 250);
  const affs = useApi('/affiliates?per_page=200&status=active');
  const codes = useApi(`/codes?active=yes&per_page=100${affiliate ? `&affiliate_id=${affiliate}` : ''}${search ? `&q=${encodeURIComponent(search)}` : ''}`);
  const rows = (codes.data && codes.data.data) || [];
  const errs = formErrors(error, FIELDS);
  const pick = (c) => {
    setKnown({ ...known, [c.id]: c });
    setPicked(togglePick(picked, c.id));
    if (errs.fields.code_ids) setError(null);
  };
  const save = async () => {
    setSaving(true);
    try {
      const body = { name, code_ids: picked, baseline_rate: Number(baseline) / 100, min_lift: Number(lift) / 100 };
      if (affiliate) body.affiliate_id = Number(affiliate);
      const e = await api('/experiments', { method: 'POST', body });
      toast(`${e.name} started`);
      onDone(e);
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  };
  const affOptions = [{ label: 'The whole program', value: '' },
    ...((affs.data && affs.data.data) || []).map((a) => ({ label: a.name, value: String(a.id) }))];
  return (
    <Modal open onClose={onClose} title="New experiment"
      primaryAction={{ content: 'Start experiment', onAction: save, loading: saving, disabled: !name.trim() || picked.length < 2 }}
      secondaryActions={[{ content: 'Cancel', onAction: onClose }]}>
      <Modal.Section>
        <BlockStack gap="300">
          <ErrorBanner error={errs.general} />
          <FormLayout>
            <TextField label="Name" value={name} onChange={setName} autoComplete="off" autoFocus error={errs.fields.name || errs.fields.slug}
              helpText="Also the link's name: /r/spring-test for “Spring test”." />
            <Select label="For" options={affOptions} value={affiliate} error={errs.fields.affiliate_id}
              onChange={(v) => { setAffiliate(v); setPicked([]); }}
              helpText="One affiliate's experiment uses their own codes." />
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Codes to compare (2 to 4)</Text>
              <Text as="p" tone="subdued">The first you pick is the control, the discount you run today. Use codes given out only
                through this experiment's link, or orders from elsewhere count too.</Text>
              <TextField label="Search codes" labelHidden placeholder="Search codes" value={q} onChange={setQ} autoComplete="off" clearButton onClearButtonClick={() => setQ('')} />
              <div style={{ maxHeight: 220, overflowY: 'auto' }}>
                <BlockStack gap="100">
                  {rows.length === 0 && <Text as="p" tone="subdued">{codes.loading ? 'Loading codes…' : 'No active code here.'}</Text>}
                  {rows.map((c) => {
                    const n = picked.indexOf(c.id);
                    return (
                      <Checkbox key={c.id} checked={n >= 0} onChange={() => pick(c)} disabled={n < 0 && picked.length >= 4}
                        label={`${c.code} · ${discountLabel(c)}${n === 0 ? ' · control' : n > 0 ? ` · variant ${n + 1}` : ''}`} />
                    );
                  })}
                </BlockStack>
              </div>
              <Text as="p">{picked.length ? `Picked: ${picked.map((id) => (known[id] ? known[id].code : id)).join(', ')}` : 'No code picked yet.'}</Text>
              {errs.fields.code_ids && <InlineError message={errs.fields.code_ids} fieldID="code_ids" />}
            </BlockStack>
            <FormLayout.Group>
              <TextField label="Expected conversion rate" type="number" suffix="%" value={baseline} onChange={setBaseline} autoComplete="off"
                helpText="Of the control, today." error={errs.fields.baseline_rate} />
              <TextField label="Smallest lift worth finding" type="number" suffix="%" value={lift} onChange={setLift} autoComplete="off"
                helpText="Smaller lifts need more visitors." error={errs.fields.min_lift} />
            </FormLayout.Group>
          </FormLayout>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
