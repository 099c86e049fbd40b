// One money figure per day (sales, or commission), in plain SVG, each on
// its own scale so commission is not squashed beside sales.
import { formatMoney, locale } from '../money.js';

const W = 480;
const H = 220;
const PAD = { l: 78, r: 8, t: 12, b: 28 };

function dayList(from, to) {
  const out = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** A day as "Mar 4" in the merchant's locale. */
export function shortDay(day) {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(), { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** The chart of one figure of the summary's days: metric is "sales" or "commission". */
export function Chart({ days, from, to, currency, metric = 'sales', color = '#91d0ff', label = 'Sales' }) {
  const all = dayList(from, to);
  const byDay = new Map(days.filter((d) => d.currency === currency).map((d) => [d.day, d]));
  const points = all.map((day) => byDay.get(day) || { day, sales: 0, commission: 0, conversions: 0 });
  const max = Math.max(1, ...points.map((p) => p[metric]));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / points.length;
  const y = (v) => PAD.t + ih - (Math.max(0, v) / max) * ih;
  const total = points.reduce((s, p) => s + p[metric], 0);
  const ticks = [...new Set([0, Math.floor(points.length / 2), points.length - 1])];
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`${label} per day from ${shortDay(from)} to ${shortDay(to)}: ${formatMoney(total, currency)} in all`}>
        {total === 0 && (
          <text x={PAD.l + iw / 2} y={PAD.t + ih / 2} fontSize="14" textAnchor="middle" fill="#616161">{`No ${label.toLowerCase()} in this range`}</text>
        )}
        {(total === 0 ? [0] : [0, 0.5, 1]).map((f) => (
          <g key={f}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} stroke="#e3e3e3" />
            <text x={PAD.l - 6} y={y(max * f) + 4} fontSize="13" textAnchor="end" fill="#616161">{formatMoney(Math.round(max * f), currency)}</text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect key={p.day} x={PAD.l + bw * i + bw * 0.15} y={y(p[metric])} width={Math.max(0.5, bw * 0.7)} height={Math.max(0, PAD.t + ih - y(p[metric]))} fill={color} rx="2">
            <title>{`${shortDay(p.day)}: ${formatMoney(p.sales, currency)} sales, ${formatMoney(p.commission, currency)} commission, ${p.conversions} orders`}</title>
          </rect>
        ))}
        {ticks.map((i) => (
          <text key={i} x={PAD.l + bw * i + bw / 2} y={H - 8} fontSize="13" textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'} fill="#616161">{shortDay(points[i].day)}</text>
        ))}
      </svg>
    </figure>
  );
}
