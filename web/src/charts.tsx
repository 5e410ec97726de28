// Small charts drawn as plain SVG, for the Dashboard: a horizontal bar (a caseload against its
// marks, a stage's share of the open cases) and columns by month. Each is an image
// (`role="img"`) named by its figures in words, and the page also writes those figures out as
// text beside it. No text is drawn inside an SVG: labels and values are HTML, so they wrap,
// translate and follow the page's direction, and in a right-to-left page the drawing is
// mirrored by CSS (`[dir='rtl'] .chart`).

/** A mark on a bar's track: the recommended caseload (`recommended`) or the maximum
 * (`maximum`), drawn differently, not only in another colour. */
export interface BarMark {
  at: number;
  kind: 'recommended' | 'maximum';
}

/** A horizontal bar: `value` on a track that runs to `scale`, with marks; `tone` (`within`,
 * `above_recommended`, `above_maximum`) colours the fill. */
export function HBar({
  value,
  scale,
  label,
  marks = [],
  tone,
}: {
  value: number;
  scale: number;
  label: string;
  marks?: readonly BarMark[];
  tone?: string;
}) {
  const x = (n: number) => Math.max(0, Math.min(100, (n / Math.max(scale, Number.EPSILON)) * 100));
  return (
    <svg class={`chart hbar${tone ? ` ${tone}` : ''}`} viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label={label}>
      <rect class="chart-track" x="0" y="3" width="100" height="6" />
      {value > 0 && <rect class="chart-fill" x="0" y="3" width={x(value)} height="6" />}
      {marks.map((m) => (
        <line key={m.kind} class={`chart-mark ${m.kind}`} x1={x(m.at)} x2={x(m.at)} y1="0" y2="12" vector-effect="non-scaling-stroke" />
      ))}
    </svg>
  );
}

/** Columns, oldest first: each value a fraction of the chart's height (0 to 1), null for a
 * month with nothing to count (no column; the text beside says "—"). The newest is darker. */
export function Columns({ values, label }: { values: ReadonlyArray<number | null>; label: string }) {
  const slot = 100 / Math.max(values.length, 1);
  return (
    <svg class="chart columns" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={label}>
      <line class="chart-axis" x1="0" x2="100" y1="39.5" y2="39.5" vector-effect="non-scaling-stroke" />
      {values.map((v, i) => {
        if (v === null) return null;
        // A zero still shows, as a sliver on the axis, apart from a month with no figure.
        const height = Math.max(0.75, Math.min(1, v) * 38);
        return (
          <rect
            key={i}
            class={`chart-fill${i === values.length - 1 ? ' latest' : ''}`}
            x={i * slot + slot * 0.2}
            width={slot * 0.6}
            y={39.5 - height}
            height={height}
          />
        );
      })}
    </svg>
  );
}
