// Reads the affiliates CSV a merchant pastes or drops: name, email and
// optional notes per line; a header line naming the columns is allowed.

/** Splits CSV text into rows of cells (RFC 4180 quoting). */
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === ';' || ch === '\t') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.map((r) => r.map((c) => c.trim())).filter((r) => r.some((c) => c !== ''));
}

/** Affiliates from CSV text: [{line, name, email, notes}], header skipped. */
export function affiliatesFromCSV(text) {
  const rows = parseCSV(text);
  let cols = { name: 0, email: 1, notes: 2 };
  let start = 0;
  if (rows.length && rows[0].some((c) => c.toLowerCase() === 'email')) {
    const head = rows[0].map((c) => c.toLowerCase());
    cols = { name: head.indexOf('name'), email: head.indexOf('email'), notes: head.indexOf('notes') };
    start = 1;
  }
  return rows.slice(start).map((r, i) => ({
    line: i + start + 1,
    name: cols.name >= 0 ? r[cols.name] || '' : '',
    email: r[cols.email] || '',
    notes: cols.notes >= 0 ? r[cols.notes] || '' : '',
  }));
}
