// Monthly movements of recurring revenue in plain SVG: new, expansion and
// reactivation stacked above zero, contraction and churn below, and the
// net change as a line, with a legend that says which colour is which.
import { useEffect, useRef, useState } from 'react';
import { formatMoney, locale } from '../money.js';
import { DOWN, MOVEMENTS, UP, monthLabel, movementScale, movementTotals } from '../reports.js';

const H = 280;
const PAD = { l: 84, r: 12, t: 14, b: 30 };

// The figure's width in CSS pixels, so the SVG draws at 1:1 and its text
// stays 13 px on a phone as on a desktop.
function useWidth() {
  const ref = useRef(null);
  const [w, setW] = useState(640);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(([e]) => setW(Math.max(280, Math.round(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

function Legend() {
  const item = (color, label, line) => (
    <span key={label} style={{ display: 'inline-flex', alignItems: 'center', gap: 6, marginRight: 16, whiteSpace: 'nowrap' }}>
      <span aria-hidden="true" style={line
        ? { width: 18, height: 0, borderTop: `3px solid ${color}` }
        : { width: 12, height: 12, borderRadius: 2, background: color }} />
      {label}
    </span>
  );
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', rowGap: 6, fontSize: 13, color: '#303030' }}>
      {[...UP, ...DOWN].map((k) => item(MOVEMENTS[k].color, MOVEMENTS[k].label))}
      {item('#1a1a1a', 'Net change', true)}
    </div>
  );
}

/** The chart of months ([{month, new, …, net}] from movementMonths) in currency. */
export function MovementsChart({ months, currency, who }) {
  const [ref, W] = useWidth();
  const loc = locale();
  const { up, down } = movementScale(months);
  const span = Math.max(1, up + down);
  const ih = H - PAD.t - PAD.b;
  const iw = W - PAD.l - PAD.r;
  const zero = PAD.t + (up / span) * ih;
  const h = (v) => (v / span) * ih;
  const bw = iw / Math.max(1, months.length);
  const x = (i) => PAD.l + bw * i + bw / 2;
  const totals = movementTotals(months);
  const empty = months.every((m) => [...UP, ...DOWN].every((k) => m[k] === 0));
  const every = Math.ceil(months.length / Math.max(2, Math.floor(iw / 64)));
  const ticks = up + down === 0 ? [[0, zero]] : [[up, PAD.t], [0, zero], ...(down > 0 ? [[-down, PAD.t + ih]] : [])];
  const summary = `Recurring revenue movements of ${who} per month, ${monthLabel(months[0].month, loc)} to ${monthLabel(months[months.length - 1].month, loc)}: ` +
    `${formatMoney(totals.new, currency)} new, ${formatMoney(totals.expansion, currency)} expansion, ${formatMoney(totals.reactivation, currency)} reactivation, ` +
    `${formatMoney(totals.contraction, currency)} contraction, ${formatMoney(totals.churn, currency)} churn, net ${formatMoney(totals.net, currency)}`;
  let net = '';
  months.forEach((m, i) => { net += `${i ? 'L' : 'M'}${x(i)},${zero - h(m.net)}`; });
  return (
    <figure ref={ref} style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={summary}>
        {ticks.map(([v, y]) => (
          <g key={v}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} stroke={v === 0 ? '#8a8a8a' : '#e3e3e3'} />
            <text x={PAD.l - 6} y={y + 4} fontSize="13" textAnchor="end" fill="#616161">{formatMoney(v, currency)}</text>
          </g>
        ))}
        {empty && (
          <text x={PAD.l + iw / 2} y={PAD.t + ih / 2} fontSize="14" textAnchor="middle" fill="#616161">No recurring revenue moved in these months</text>
        )}
        {months.map((m, i) => {
          let top = zero;
          let bottom = zero;
          const bar = (k, dir) => {
            const hh = h(m[k]);
            if (hh <= 0) return null;
            const y = dir > 0 ? top - hh : bottom;
            if (dir > 0) top -= hh; else bottom += hh;
            return <rect key={k} x={PAD.l + bw * i + bw * 0.18} y={y} width={Math.max(1, bw * 0.64)} height={hh} fill={MOVEMENTS[k].color} />;
          };
          return (
            <g key={m.month}>
              <title>{`${monthLabel(m.month, loc)}: ${[...UP, ...DOWN].map((k) => `${MOVEMENTS[k].label.toLowerCase()} ${formatMoney(m[k], currency)}`).join(', ')}; net ${formatMoney(m.net, currency)}`}</title>
              {UP.map((k) => bar(k, 1))}
              {DOWN.map((k) => bar(k, -1))}
            </g>
          );
        })}
        {!empty && <path d={net} fill="none" stroke="#1a1a1a" strokeWidth="2" />}
        {!empty && months.map((m, i) => <circle key={m.month} cx={x(i)} cy={zero - h(m.net)} r="3" fill="#1a1a1a" />)}
        {months.map((m, i) => (months.length - 1 - i) % every === 0 ? (
          <text key={m.month} x={x(i)} y={H - 8} fontSize="13" textAnchor="middle" fill="#616161">{monthLabel(m.month, loc, true)}</text>
        ) : null)}
      </svg>
      <Legend />
    </figure>
  );
}
