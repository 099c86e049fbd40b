// The Affiliates list's state as API query parameters, and the words for
// a row's codes.

/** Sort choices: value is "key dir" as GET /affiliates takes them. */
export const SORTS = [
  { label: 'Date added', value: 'created desc', directionLabel: 'Newest first' },
  { label: 'Date added', value: 'created asc', directionLabel: 'Oldest first' },
  { label: 'Name', value: 'name asc', directionLabel: 'A–Z' },
  { label: 'Name', value: 'name desc', directionLabel: 'Z–A' },
  { label: 'Orders', value: 'orders desc', directionLabel: 'Most first' },
  { label: 'Orders', value: 'orders asc', directionLabel: 'Fewest first' },
  { label: 'Sales', value: 'sales desc', directionLabel: 'Highest first' },
  { label: 'Sales', value: 'sales asc', directionLabel: 'Lowest first' },
  { label: 'Commission balance', value: 'balance desc', directionLabel: 'Highest first' },
  { label: 'Commission balance', value: 'balance asc', directionLabel: 'Lowest first' },
];

/** The list's query: search, status ('' for all), sort "key dir", page. */
export function listParams({ q, status, sort, page, perPage, ids }) {
  const p = new URLSearchParams();
  const [key, dir] = (sort || 'created desc').split(' ');
  p.set('sort', key);
  p.set('dir', dir);
  if (q) p.set('q', q);
  if (status) p.set('status', status);
  if (page) p.set('page', String(page));
  if (perPage) p.set('per_page', String(perPage));
  for (const id of ids || []) p.append('id', String(id));
  return p;
}

/** A row's codes: "ANN10, ANN20 +1 more", or '' with none. */
export function codesText(row) {
  const codes = row.codes || [];
  const more = (row.code_count || 0) - codes.length;
  return codes.join(', ') + (more > 0 ? ` +${more} more` : '');
}
