/** Workload B on tfjs: the same block, same shapes and values, with raw tfjs ops and tf.grads. */
import type * as tfType from '@tensorflow/tfjs-core';
import type { AttentionInputs, AttentionShape } from './attention';

type Tf = typeof tfType;
type T = tfType.Tensor;

/** The forward and forward + backward steps on the active tfjs backend; call dispose() afterwards. */
export function tfAttention(
  tf: Tf,
  s: AttentionShape,
  inputs: AttentionInputs,
): { fwd: () => void; fwdBwd: () => void; dispose: () => void } {
  const { batch: B, tokens: T, channels: C, heads: H } = s;
  const D = C / H;
  const x = tf.tensor3d(inputs.x, [B, T, C]);
  const p = inputs.params.map((v, i) => (i % 2 === 0 ? tf.tensor2d(v, [C, C]) : tf.tensor1d(v)));
  // y = x W^T + b on (B*T, C) rows, as our linear does.
  const linear = (x2: T, w: T, b: T) => tf.add(tf.matMul(x2, w, false, true), b);
  const heads = (t: T) => tf.transpose(tf.reshape(t, [B, T, H, D]), [0, 2, 1, 3]); // (B, H, T, D)
  const block = (xIn: T, ...ps: T[]): T => {
    const x2 = tf.reshape(xIn, [B * T, C]);
    const q = heads(linear(x2, ps[0], ps[1]));
    const k = heads(linear(x2, ps[2], ps[3]));
    const v = heads(linear(x2, ps[4], ps[5]));
    const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D))); // (B, H, T, T)
    const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, C]);
    return tf.reshape(linear(y, ps[6], ps[7]), [B, T, C]);
  };
  const gradsOf = tf.grads((xIn: T, ...ps: T[]) => tf.sum(block(xIn, ...ps)));
  return {
    fwd: () => tf.tidy(() => void block(x, ...p).dataSync()),
    fwdBwd: () =>
      tf.tidy(() => {
        const g = gradsOf([x, ...p]);
        for (const t of g) t.dataSync();
      }),
    dispose: () => tf.dispose([x, ...p]),
  };
}
