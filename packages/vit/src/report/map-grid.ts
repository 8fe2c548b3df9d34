/**
 * Small multiples of square maps: one side x side grid of cells per map (attention of the class token over the
 * patches, per head; the input image itself). Each map is scaled to its own range, light = low, dark = high.
 */
import { type Html, html } from './html-template';
import { heatColour, num, svgOpen } from './svg';

export interface SquareMap {
  /** Printed under the map (e.g. 'head 3 -> kv 1'). */
  label: string;
  /** side·side values, row-major; non-finite cells are drawn grey. */
  values: readonly number[];
}

export interface MapGridOptions {
  id: string;
  title: string;
  /** Cells per side of every map. */
  side: number;
  /** Maps per row (default 8). */
  perRow?: number;
  /** Pixels per map side (default 64). */
  size?: number;
  /** 'heat' (default) or 'grey' (images: black = 0, white = the map's maximum). */
  palette?: 'heat' | 'grey';
}

/** Renders the maps left to right, `perRow` per row; deterministic for the same input. */
export function mapGrid(maps: readonly SquareMap[], opts: MapGridOptions): Html {
  for (const [i, m] of maps.entries()) {
    if (m.values.length !== opts.side * opts.side)
      throw new RangeError(
        `mapGrid: map ${i} ('${m.label}') has ${m.values.length} values, expected ${opts.side}x${opts.side}`,
      );
  }
  const perRow = Math.max(1, Math.min(opts.perRow ?? 8, maps.length || 1));
  const size = opts.size ?? 64;
  const gap = 10;
  const labelH = 14;
  const rows = Math.ceil(maps.length / perRow);
  const frame = {
    width: perRow * (size + gap) + gap,
    height: 24 + rows * (size + labelH + gap),
    left: 0,
    right: 0,
    top: 0,
    bottom: 0,
  };
  const cell = size / opts.side;
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="${gap}" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  maps.forEach((m, i) => {
    const x0 = gap + (i % perRow) * (size + gap);
    const y0 = 24 + Math.floor(i / perRow) * (size + labelH + gap);
    const finite = m.values.filter(Number.isFinite);
    const lo = opts.palette === 'grey' ? 0 : Math.min(...finite);
    const hi = Math.max(...finite);
    m.values.forEach((v, k) => {
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const fill = !Number.isFinite(v) ? '#ccc' : opts.palette === 'grey' ? grey(t) : heatColour(t);
      parts.push(
        html`<rect x="${num(x0 + (k % opts.side) * cell)}" y="${num(y0 + Math.floor(k / opts.side) * cell)}" width="${num(cell + 0.3)}" height="${num(cell + 0.3)}" fill="${fill}"/>`,
      );
    });
    parts.push(
      html`<text x="${num(x0 + size / 2)}" y="${num(y0 + size + 11)}" text-anchor="middle" font-size="9">${m.label}</text>`,
    );
  });
  parts.push(html`</svg>`);
  return html`${parts}`;
}

function grey(t: number): string {
  const c = Math.round(255 * Math.min(1, Math.max(0, t)))
    .toString(16)
    .padStart(2, '0');
  return `#${c}${c}${c}`;
}
