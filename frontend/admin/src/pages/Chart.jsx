// Sales (bars) and commission (line) per day, in plain SVG.
import { formatMoney } from '../money.js';

const W = 720;
const H = 220;
const PAD = { l: 64, r: 12, t: 12, b: 28 };

function dayList(from, to) {
  const out = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** The chart of the summary's days. */
export function Chart({ days, from, to, currency }) {
  const all = dayList(from, to);
  const byDay = new Map(days.filter((d) => d.currency === currency).map((d) => [d.day, d]));
  const points = all.map((day) => byDay.get(day) || { day, sales: 0, commission: 0, conversions: 0 });
  const max = Math.max(1, ...points.map((p) => p.sales));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / points.length;
  const y = (v) => PAD.t + ih - (v / max) * ih;
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${(PAD.l + bw * i + bw / 2).toFixed(1)},${y(p.commission).toFixed(1)}`).join(' ');
  const total = points.reduce((s, p) => s + p.sales, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`Sales per day from ${from} to ${to}: ${formatMoney(total, currency)} in all`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} stroke="#e3e3e3" />
            <text x={PAD.l - 6} y={y(max * f) + 4} fontSize="11" textAnchor="end" fill="#616161">{formatMoney(Math.round(max * f), currency)}</text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect key={p.day} x={PAD.l + bw * i + bw * 0.15} y={y(p.sales)} width={bw * 0.7} height={Math.max(0, PAD.t + ih - y(p.sales))} fill="#91d0ff" rx="2">
            <title>{`${p.day}: ${formatMoney(p.sales, currency)} sales, ${formatMoney(p.commission, currency)} commission, ${p.conversions} conversions`}</title>
          </rect>
        ))}
        <path d={line} fill="none" stroke="#008060" strokeWidth="2" />
        {[0, Math.floor(points.length / 2), points.length - 1].map((i) => (
          <text key={i} x={PAD.l + bw * i + bw / 2} y={H - 8} fontSize="11" textAnchor="middle" fill="#616161">{points[i].day.slice(5)}</text>
        ))}
      </svg>
      <figcaption style={{ display: 'flex', gap: 16, fontSize: 12, color: '#616161' }}>
        <span><span style={{ display: 'inline-block', width: 10, height: 10, background: '#91d0ff', marginRight: 4 }} />Sales</span>
        <span><span style={{ display: 'inline-block', width: 10, height: 2, background: '#008060', marginRight: 4, verticalAlign: 'middle' }} />Commission</span>
      </figcaption>
    </figure>
  );
}
