/**
 * GPU softmax / logsumexp / layer norm, forward and backward. Each op is one Program whose steps chain on the
 * device (row statistics feed the element-wise step without a readback); its results stay on the device.
 */
import type { Backend, LayerNormGrads, LayerNormResult } from '../backend';
import type { NDArray } from '../ndarray';
import { shapesEqual } from '../shape';
import type { Dispatcher } from './dispatch';
import type { ProgramInput } from './program';

/** x with `axis` moved last, as rows (R, L), plus a function that puts a result in that layout back. */
function asRows(x: NDArray, axis: number) {
  const perm = [...x.shape.keys()].filter((i) => i !== axis).concat(axis);
  const inv = perm.map((_, i) => perm.indexOf(i));
  const moved = x.permute(perm);
  const L = x.shape[axis];
  return {
    rows: moved,
    L,
    R: x.size / L,
    // A permuted result is gathered on the host (a download); for the last axis `inv` is the identity.
    back: (rows: NDArray) => rows.permute(inv).contiguous(true),
  };
}

function validAxis(x: NDArray, axis: number): number | null {
  const a = axis < 0 ? axis + x.rank : axis;
  return Number.isInteger(a) && a >= 0 && a < x.rank ? a : null;
}

export function gpuSoftmax(d: Dispatcher, cpu: Backend, x: NDArray, axis: number): NDArray {
  const ax = validAxis(x, axis);
  const where = ax === null ? 'invalid' : d.place('softmax', [x], x.size);
  if (where || ax === null) {
    d.countCpu('softmax', where ?? 'invalid');
    return cpu.softmax(x, axis);
  }
  const { rows, L, R, back } = asRows(x, ax);
  const [out] = d.run(
    {
      inputs: [d.input(rows)],
      steps: [
        { kernel: 'rowMax', size: R, constants: { L }, args: [{ input: 0 }] },
        { kernel: 'rowSumExp', size: R, constants: { L }, args: [{ input: 0 }, { step: 0 }] },
        {
          kernel: 'softmaxOut',
          size: R * L,
          constants: { L },
          args: [{ input: 0 }, { step: 0 }, { step: 1 }],
        },
      ],
      returns: [2],
      readBack: false,
    },
    [rows.shape],
  );
  d.countGpu('softmax');
  return back(out);
}

export function gpuSoftmaxBackward(
  d: Dispatcher,
  cpu: Backend,
  y: NDArray,
  dy: NDArray,
  axis: number,
): NDArray {
  const ax = validAxis(y, axis);
  const ok = ax !== null && shapesEqual(y.shape, dy.shape);
  const where = ok ? d.place('softmaxBackward', [y, dy], y.size) : 'invalid';
  if (where || ax === null) {
    d.countCpu('softmaxBackward', where ?? 'invalid');
    return cpu.softmaxBackward(y, dy, axis);
  }
  const yr = asRows(y, ax);
  const dyr = asRows(dy, ax);
  const { L, R } = yr;
  const [out] = d.run(
    {
      inputs: [d.input(yr.rows), d.input(dyr.rows)],
      steps: [
        { kernel: 'rowDot', size: R, constants: { L }, args: [{ input: 0 }, { input: 1 }] },
        {
          kernel: 'softmaxGrad',
          size: R * L,
          constants: { L },
          args: [{ input: 0 }, { input: 1 }, { step: 0 }],
        },
      ],
      returns: [1],
      readBack: false,
    },
    [yr.rows.shape],
  );
  d.countGpu('softmaxBackward');
  return yr.back(out);
}

export function gpuLogsumexp(
  d: Dispatcher,
  cpu: Backend,
  x: NDArray,
  axis: number,
  keepdims: boolean,
): NDArray {
  const ax = validAxis(x, axis);
  const where = ax === null ? 'invalid' : d.place('logsumexp', [x], x.size);
  if (where || ax === null) {
    d.countCpu('logsumexp', where ?? 'invalid');
    return cpu.logsumexp(x, axis, keepdims);
  }
  const { rows, L, R } = asRows(x, ax);
  const outShape = x.shape.flatMap((n, i) => (i === ax ? (keepdims ? [1] : []) : [n]));
  const [out] = d.run(
    {
      inputs: [d.input(rows)],
      steps: [
        { kernel: 'rowMax', size: R, constants: { L }, args: [{ input: 0 }] },
        { kernel: 'rowSumExp', size: R, constants: { L }, args: [{ input: 0 }, { step: 0 }] },
        { kernel: 'logsumexpOut', size: R, constants: {}, args: [{ step: 0 }, { step: 1 }] },
      ],
      returns: [2],
      readBack: false,
    },
    [outShape],
  );
  d.countGpu('logsumexp');
  return out;
}

function affineOk(x: NDArray, p: NDArray | null): boolean {
  return p === null || (p.rank === 1 && p.shape[0] === x.shape[x.rank - 1] && p.dtype === x.dtype);
}

/** Weight / bias as a kernel input, ones / zeros when absent (one kernel serves all four combinations). */
function affine(d: Dispatcher, p: NDArray | null, C: number, fill: number): ProgramInput {
  return p ? d.input(p) : new Float32Array(C).fill(fill);
}

export function gpuLayerNorm(
  d: Dispatcher,
  cpu: Backend,
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult {
  const ok = x.rank >= 1 && affineOk(x, weight) && affineOk(x, bias);
  const where = ok
    ? d.place('layerNorm', [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])], x.size)
    : 'invalid';
  if (where) {
    d.countCpu('layerNorm', where);
    return cpu.layerNorm(x, weight, bias, eps);
  }
  const L = x.shape[x.rank - 1];
  const R = x.size / L;
  const stats = [...x.shape.slice(0, -1), 1];
  const [out, mean, rstd] = d.run(
    {
      inputs: [d.input(x), affine(d, weight, L, 1), affine(d, bias, L, 0)],
      steps: [
        { kernel: 'rowMean', size: R, constants: { L }, args: [{ input: 0 }] },
        { kernel: 'rowRstd', size: R, constants: { L, eps }, args: [{ input: 0 }, { step: 0 }] },
        {
          kernel: 'layerNormOut',
          size: R * L,
          constants: { L },
          args: [{ input: 0 }, { step: 0 }, { step: 1 }, { input: 1 }, { input: 2 }],
        },
      ],
      returns: [2, 0, 1],
      readBack: false,
    },
    [x.shape, stats, stats],
  );
  d.countGpu('layerNorm');
  return { out, mean, rstd };
}

export function gpuLayerNormBackward(
  d: Dispatcher,
  cpu: Backend,
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
): LayerNormGrads {
  const L = x.shape[x.rank - 1];
  const R = x.size / L;
  const ok =
    x.rank >= 1 &&
    shapesEqual(dy.shape, x.shape) &&
    affineOk(x, weight) &&
    mean.size === R &&
    rstd.size === R;
  const where = ok ? d.place('layerNormBackward', [dy, x, mean, rstd], x.size) : 'invalid';
  if (where) {
    d.countCpu('layerNormBackward', where);
    return cpu.layerNormBackward(dy, x, weight, mean, rstd, hasBias);
  }
  const rowArgs = [{ input: 0 }, { input: 1 }, { input: 2 }, { input: 3 }, { input: 4 }] as const;
  // The dweight / dbias kernels run either way (one kernel set); an unwanted one is deleted as an intermediate.
  const [dx, ...grads] = d.run(
    {
      inputs: [d.input(dy), affine(d, weight, L, 1), d.input(x), d.input(mean), d.input(rstd)],
      steps: [
        { kernel: 'lnRowGw', size: R, constants: { L }, args: [{ input: 0 }, { input: 1 }] },
        { kernel: 'lnRowGwx', size: R, constants: { L }, args: rowArgs },
        { kernel: 'lnDx', size: R * L, constants: { L }, args: [...rowArgs, { step: 0 }, { step: 1 }] },
        {
          kernel: 'lnDweight',
          size: L,
          constants: { L, R },
          args: [{ input: 0 }, { input: 2 }, { input: 3 }, { input: 4 }],
        },
        { kernel: 'colSum', size: L, constants: { L, R }, args: [{ input: 0 }] },
      ],
      returns: [2, ...(weight ? [3] : []), ...(hasBias ? [4] : [])],
      readBack: false,
    },
    [x.shape, ...(weight ? [[L]] : []), ...(hasBias ? [[L]] : [])],
  );
  d.countGpu('layerNormBackward');
  return { dx, dweight: weight ? grads[0] : null, dbias: hasBias ? grads[weight ? 1 : 0] : null };
}
