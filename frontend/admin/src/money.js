// Money is an integer count of minor units plus an ISO currency; these
// helpers format it and read what a merchant types, exactly (no floats).

/** The merchant's locale: the browser's language, else en-US. */
export function locale() {
  const lang = typeof navigator !== 'undefined' && navigator.language;
  try {
    return lang ? Intl.getCanonicalLocales(lang)[0] : 'en-US';
  } catch {
    return 'en-US';
  }
}

/** Digits after the decimal point in the currency (JPY 0, USD 2, KWD 3). */
export function exponent(currency) {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

/** Formats minor units, e.g. (1250, "USD") → "$12.50". */
export function formatMoney(minor, currency) {
  const cur = currency || 'USD';
  const exp = exponent(cur);
  const n = BigInt(Math.trunc(Number(minor) || 0));
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const scale = 10n ** BigInt(exp);
  const text = exp ? `${abs / scale}.${String(abs % scale).padStart(exp, '0')}` : String(abs);
  // The locale places the sign ("-$12.50", "-12,50 $"); it is written as
  // a real minus sign (U+2212), as everywhere in the admin.
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency: cur, minimumFractionDigits: exp })
      .format(neg ? `-${text}` : text).replace('-', '\u2212');
  } catch {
    return `${neg ? '\u2212' : ''}${text} ${cur}`;
  }
}

/** Minor units as the digits a merchant types: 2500 USD → "25.00". */
export function majorText(minor, currency) {
  const exp = exponent(currency);
  const n = Math.abs(Math.trunc(Number(minor) || 0));
  const s = String(n).padStart(exp + 1, '0');
  return exp ? `${s.slice(0, -exp)}.${s.slice(-exp)}` : s;
}

/** Reads "12.5" or "12.50" as minor units of the currency; null if not a number. */
export function parseMoney(text, currency) {
  const exp = exponent(currency);
  const m = String(text).trim().replace(/,/g, '').match(/^(\d+)(?:\.(\d*))?$/);
  if (!m || (m[2] && m[2].length > exp)) return null;
  const frac = (m[2] || '').padEnd(exp, '0');
  return Number(BigInt(m[1]) * 10n ** BigInt(exp) + BigInt(frac || '0'));
}

/** Basis points as a percent text: 1500 → "15", 1250 → "12.5". */
export function percentText(bp) {
  const n = Number(bp) || 0;
  const whole = Math.trunc(n / 100);
  const frac = String(Math.abs(n % 100)).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Reads a percent ("15", "12.5") as basis points; null if not 0–100 with ≤ 2 decimals. */
export function parsePercent(text) {
  const m = String(text).trim().replace(/%$/, '').match(/^(\d{1,3})(?:\.(\d{0,2}))?$/);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return bp <= 10000 ? bp : null;
}

/** Words for a code's discount: "15% off", "$10.00 off", "Free shipping". */
export function discountLabel(code) {
  switch (code.discount_type) {
    case 'percentage':
      return `${percentText(code.discount_value)}% off`;
    case 'fixed_amount':
      return `${formatMoney(code.discount_value, code.currency)} off`;
    case 'free_shipping':
      return 'Free shipping';
    default:
      return 'Other discount';
  }
}
