// The retention heat map: a row per month of acquisition, a column per
// month since, each cell the share of the cohort's subscriptions still
// paying. The table scrolls sideways inside its card on a narrow screen.
import { Text } from '@shopify/polaris';
import { locale } from '../money.js';
import { HEAT, cohortGrid, heatColor, monthLabel, shareText } from '../reports.js';

const cell = { padding: '6px 8px', textAlign: 'center', fontSize: 13, minWidth: 48, whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' };
const sticky = { position: 'sticky', left: 0, background: '#fff', zIndex: 1, textAlign: 'left', whiteSpace: 'nowrap', padding: '6px 10px 6px 0' };

/** "1 month later", "2 months later". */
const later = (i) => `${i} ${i === 1 ? 'month' : 'months'} later`;

/** The colour bands and what they mean. */
export function HeatLegend() {
  return (
    <div aria-label="Colour scale" role="list" style={{ display: 'flex', flexWrap: 'wrap', gap: '6px 12px', fontSize: 13, color: '#303030', alignItems: 'center' }}>
      <span>Still paying:</span>
      {[...HEAT].reverse().map((h) => (
        <span role="listitem" key={h.label} style={{ display: 'inline-flex', alignItems: 'center', gap: 6, whiteSpace: 'nowrap' }}>
          <span aria-hidden="true" style={{ width: 14, height: 14, borderRadius: 3, background: h.bg, border: '1px solid #d4d4d4' }} />
          {h.label}
        </span>
      ))}
    </div>
  );
}

/** The heat map of the retention report's cohorts. */
export function CohortHeatMap({ cohorts }) {
  const loc = locale();
  const grid = cohortGrid(cohorts);
  return (
    <div role="region" aria-label="Retention by cohort" tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <table style={{ borderCollapse: 'separate', borderSpacing: 2, minWidth: '100%' }}>
        <thead>
          <tr>
            <th scope="col" style={{ ...sticky, fontWeight: 600, fontSize: 13 }}>Acquired</th>
            <th scope="col" style={{ ...cell, fontWeight: 600 }}>Subscriptions</th>
            {Array.from({ length: grid.width }, (_, i) => (
              <th scope="col" key={i} style={{ ...cell, fontWeight: 600 }} title={i === 0 ? 'The month acquired' : later(i)}>
                {i === 0 ? 'Month 0' : `+${i}`}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((r) => (
            <tr key={r.cohort}>
              <th scope="row" style={{ ...sticky, fontWeight: 500, fontSize: 13 }}>{monthLabel(r.cohort, loc)}</th>
              <td style={{ ...cell, color: '#616161' }}>{r.size.toLocaleString(loc)}</td>
              {r.cells.map((c, i) => {
                if (!c) return <td key={i} style={cell} aria-label="Not reached yet" />;
                const h = heatColor(c.share_bp);
                return (
                  <td key={i} style={{ ...cell, background: h.bg, color: h.fg, borderRadius: 3 }}
                    title={`${monthLabel(r.cohort, loc)}, ${i === 0 ? 'month acquired' : later(i)}: ${c.paying} of ${r.size} still paying`}>
                    {shareText(c.share_bp)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Text as="p" variant="bodySm" tone="subdued">Month 0 is the month a subscription first paid; +1 is a month later. Blank: the cohort has not reached that month yet.</Text>
    </div>
  );
}
