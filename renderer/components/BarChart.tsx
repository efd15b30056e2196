// A plain SVG horizontal bar chart (no chart library needed): one labelled bar per row,
// values written out so the chart reads without colour or hover.
interface Bar {
  label: string;
  value: number;
  text: string;
}

export function BarChart({ bars, title }: { bars: Bar[]; title: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 26;
  return (
    <svg className="bar-chart" role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}`} viewBox={`0 0 400 ${bars.length * rowH}`} width="100%" height={bars.length * rowH}>
      {bars.map((b, i) => (
        <g key={b.label} transform={`translate(0 ${i * rowH})`}>
          <text x="0" y="17" className="bar-label">
            {b.label}
          </text>
          <rect x="110" y="5" height="16" rx="3" width={Math.max(2, (b.value / max) * 200)} className="bar" />
          <text x={116 + Math.max(2, (b.value / max) * 200)} y="17" className="bar-value">
            {b.text}
          </text>
        </g>
      ))}
    </svg>
  );
}
