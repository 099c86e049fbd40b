// The Codes page's filters: Polaris Filters with a search box and one
// choice list per filter, each shown as a removable tag once applied.
import { ChoiceList, Filters } from '@shopify/polaris';

/** How a store is named in lists: its platform and its name or address. */
export function storeLabel(c) {
  const platform = { shopify: 'Shopify', stripe: 'Stripe', paddle: 'Paddle', woocommerce: 'WooCommerce' }[c.platform] || c.platform;
  return `${platform}: ${c.name || c.shop_name || c.external_id}`;
}

/** The filters as query parameters of GET /api/v1/codes. */
export function codeParams(f) {
  const params = new URLSearchParams();
  if (f.active) params.set('active', f.active);
  if (f.assigned) params.set('assigned', f.assigned);
  if (f.affiliate) params.set('affiliate_id', f.affiliate);
  if (f.store) params.set('connection_id', f.store);
  if (f.source) params.set('source', f.source);
  return params;
}

/** The filter bar; set(key)(value) changes one filter ('' clears it). */
export function CodeFilters({ filters, set, clearAll, affiliates, stores }) {
  const defs = [
    { key: 'active', label: 'Status', choices: [{ label: 'Active', value: 'yes' }, { label: 'Inactive', value: 'no' }] },
    { key: 'assigned', label: 'Assigned', choices: [{ label: 'Assigned to an affiliate', value: 'yes' }, { label: 'Not assigned', value: 'no' }] },
    { key: 'affiliate', label: 'Affiliate', choices: affiliates.map((a) => ({ label: a.name, value: String(a.id) })) },
    { key: 'store', label: 'Store', choices: [{ label: 'Not on a store', value: '0' }, ...stores.map((c) => ({ label: storeLabel(c), value: String(c.id) }))] },
    { key: 'source', label: 'Source', choices: [{ label: 'Imported', value: 'imported' }, { label: 'Generated', value: 'generated' }, { label: 'Added by hand', value: 'manual' }] },
  ];
  const choiceFilters = defs.map((d) => ({
    key: d.key,
    label: d.label,
    filter: <ChoiceList title={d.label} titleHidden choices={d.choices} selected={filters[d.key] ? [filters[d.key]] : []} onChange={(v) => set(d.key)(v[0] || '')} />,
    pinned: true,
  }));
  const applied = defs.filter((d) => filters[d.key]).map((d) => {
    const choice = d.choices.find((c) => c.value === filters[d.key]);
    return { key: d.key, label: `${d.label}: ${choice ? choice.label : filters[d.key]}`, onRemove: () => set(d.key)('') };
  });
  return (
    <Filters queryValue={filters.q} queryPlaceholder="Search codes (code starts with…)" onQueryChange={set('q')} onQueryClear={() => set('q')('')}
      filters={choiceFilters} appliedFilters={applied} onClearAll={clearAll} />
  );
}
