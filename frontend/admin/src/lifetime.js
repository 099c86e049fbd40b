// Lifetime attribution in words: the program's setting, an affiliate's
// own window, and why a conversion went to its affiliate.
import { locale } from './money.js';

/** The longest window the API takes, in days. */
export const MAX_DAYS = 36500;

/** "1 day", "365 days". */
function days(n) {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** The program's setting in a few words: "off", "for ever", "365 days". */
export function programText(l) {
  if (!l || !l.on) return 'off';
  return l.days ? days(l.days) : 'for ever';
}

/** Days typed in a field: a whole number from 1 to MAX_DAYS, or null. */
export function parseDays(text) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= MAX_DAYS ? n : null;
}

/** The settings form of {on, days, code_wins}. */
export function lifetimeForm(l) {
  const s = l || { on: false, days: 0, code_wins: true };
  return { on: s.on, forever: !s.days, days: s.days ? String(s.days) : '365', codeWins: s.code_wins };
}

/** The form as the API takes it: {body, error} (error the days field's, or ''). */
export function lifetimeBody(f) {
  const n = f.forever ? 0 : parseDays(f.days);
  return { body: { on: f.on, days: n || 0, code_wins: f.codeWins },
    error: f.on && n === null ? `A whole number of days from 1 to ${MAX_DAYS}` : '' };
}

/** An affiliate's override (null, -1, 0 or N) as the form's choice and days. */
export function overrideForm(v) {
  if (v === null || v === undefined) return { choice: 'program', days: '365' };
  if (v < 0) return { choice: 'none', days: '365' };
  if (v === 0) return { choice: 'forever', days: '365' };
  return { choice: 'days', days: String(v) };
}

/** The override form as lifetime_days: {value, error}. */
export function overrideValue(f) {
  switch (f.choice) {
    case 'program': return { value: null, error: '' };
    case 'none': return { value: -1, error: '' };
    case 'forever': return { value: 0, error: '' };
  }
  const n = parseDays(f.days);
  return { value: n, error: n === null ? `A whole number of days from 1 to ${MAX_DAYS}` : '' };
}

/** "2026-10-02" in a note → "Oct 2, 2026", as dates are shown elsewhere. */
function datesIn(text) {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return Number.isNaN(t.getTime()) ? d : t.toLocaleDateString(locale(), { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  });
}

/** A note as a sentence: capitalised, with a full stop. */
function sentence(text) {
  const s = datesIn(String(text).trim());
  if (!s) return '';
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');
}

/** Why a conversion went to its affiliate, in words, from credited_by and credit_note. */
export function creditText(c) {
  const who = c.affiliate_name || 'the affiliate';
  switch (c.credited_by) {
    case 'code': return `The order was paid with ${who}'s code ${c.code}.`;
    case 'repeat': {
      const why = sentence(c.credit_note) || `Repeat order of a customer ${who} brought.`;
      return c.code ? `${why} It carried the code ${c.code}, but your settings keep a customer with the affiliate who brought them.` : why;
    }
    case 'renewal': return c.credit_note ? `${sentence(c.credit_note)} A renewal of a subscription ${who} brought.` : `A renewal of a subscription ${who} brought.`;
    case 'manual': return 'Added by hand.';
    case 'none': return `The code ${c.code} belongs to no affiliate, so no one earns commission.`;
  }
  return sentence(c.credit_note);
}
