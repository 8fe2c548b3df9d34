/** Confusion matrix: rows are the true classes, columns the predicted ones, each cell its count. */
import { type Html, html } from './html-template';
import { heatColour, num, svgOpen } from './svg';

export interface ConfusionMatrixOptions {
  id: string;
  title: string;
  /** One name per class, in label order. */
  classes: readonly string[];
}

/** counts[t][p]: images of class t predicted as p. Cells are shaded by their share of the row. */
export function confusionMatrix(counts: readonly (readonly number[])[], opts: ConfusionMatrixOptions): Html {
  const K = opts.classes.length;
  if (counts.length !== K || counts.some((row) => row.length !== K))
    throw new RangeError(
      `confusionMatrix: expected ${K}x${K} counts for ${K} classes, got ${counts.length} rows of [${counts.map((r) => r.length).join(', ')}]`,
    );
  const cell = 30;
  const left = 90;
  const top = 96;
  const frame = {
    width: left + K * cell + 10,
    height: top + K * cell + 30,
    left,
    right: 10,
    top,
    bottom: 30,
  };
  const parts = [
    svgOpen(frame, opts.title, opts.id),
    html`<text x="4" y="16" font-weight="bold">${opts.title}</text>`,
  ];
  counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + t * cell;
    parts.push(
      html`<text x="${left - 4}" y="${num(y + cell / 2)}" text-anchor="end" dominant-baseline="middle" font-size="10">${opts.classes[t]}</text>`,
    );
    row.forEach((n, p) => {
      const share = total > 0 ? n / total : 0;
      const x = left + p * cell;
      parts.push(
        html`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${heatColour(share)}" stroke="#fff"/><text x="${num(x + cell / 2)}" y="${num(y + cell / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="9" fill="${share > 0.5 ? '#fff' : '#000'}">${n}</text>`,
      );
    });
  });
  opts.classes.forEach((name, p) => {
    const x = num(left + p * cell + cell / 2);
    parts.push(
      html`<text x="${x}" y="${top - 4}" transform="rotate(-60 ${x} ${top - 4})" font-size="10">${name}</text>`,
    );
  });
  parts.push(
    html`<text x="${num(left + (K * cell) / 2)}" y="${frame.height - 8}" text-anchor="middle">predicted class (rows: true class)</text>`,
  );
  parts.push(html`</svg>`);
  return html`${parts}`;
}
