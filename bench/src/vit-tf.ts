/**
 * Workload C on tfjs: the same tiny ViT (same shapes, same init scheme) with raw tfjs ops, gradients by
 * tf.variableGrads and AdamW as tf.train.adam plus decoupled weight decay (p -= lr * wd * p), as torch does.
 */
import type * as tfType from '@tensorflow/tfjs-core';
import { sampleMemory } from './memory';
import { type VitShape, vitBatch } from './vit';

type Tf = typeof tfType;
type T = tfType.Tensor;
type V = tfType.Variable;

/** Builds the model's variables and returns a training-step closure plus a dispose. */
export function tfVitStep(tf: Tf, s: VitShape): { step: () => number; dispose: () => void } {
  const { batch: B, image: S, patch: P, dim: C, heads: H, mlp: M, classes: K } = s;
  const g = S / P;
  const N = g * g + 1;
  const D = C / H;
  let seed = 100;
  const vars: V[] = [];
  const lin = (i: number, o: number) => {
    const b = 1 / Math.sqrt(i);
    const w = tf.variable(tf.randomUniform([i, o], -b, b, 'float32', seed++)); // stored (in, out)
    const bias = tf.variable(tf.randomUniform([o], -b, b, 'float32', seed++));
    vars.push(w, bias);
    return (x: T) => tf.add(tf.matMul(x, w), bias);
  };
  const norm = () => {
    const w = tf.variable(tf.ones([C]));
    const b = tf.variable(tf.zeros([C]));
    vars.push(w, b);
    return (x: T) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), w), b);
    };
  };
  const gelu = (x: T) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  const embed = lin(P * P, C);
  const cls = tf.variable(tf.randomNormal([1, 1, C], 0, 0.02, 'float32', seed++));
  const pos = tf.variable(tf.randomNormal([1, N, C], 0, 0.02, 'float32', seed++));
  vars.push(cls, pos);
  const blocks = Array.from({ length: s.depth }, () => {
    const n1 = norm();
    const qkv = lin(C, 3 * C);
    const proj = lin(C, C);
    const n2 = norm();
    const fc1 = lin(C, M);
    const fc2 = lin(M, C);
    return (x: T): T => {
      const t = tf.transpose(
        tf.reshape(qkv(tf.reshape(n1(x), [B * N, C])), [B, N, 3, H, D]),
        [2, 0, 3, 1, 4],
      ); // (3, B, H, N, D)
      const [q, k, v] = tf.unstack(t, 0);
      const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D))); // (B, H, N, N)
      const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * N, C]);
      const h = tf.add(x, tf.reshape(proj(y), [B, N, C]));
      const m = fc2(gelu(fc1(tf.reshape(n2(h), [B * N, C]))));
      return tf.add(h, tf.reshape(m, [B, N, C]));
    };
  });
  const finalNorm = norm();
  const head = lin(C, K);
  const { images, labels } = vitBatch(s);
  const x = tf.tensor4d(images, [B, 1, S, S]);
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
  const forward = (): tfType.Scalar => {
    const patches = tf.reshape(tf.transpose(tf.reshape(x, [B, g, P, g, P]), [0, 1, 3, 2, 4]), [
      B * g * g,
      P * P,
    ]);
    let h = tf.concat([tf.tile(cls, [B, 1, 1]), tf.reshape(embed(patches), [B, g * g, C])], 1);
    h = tf.add(h, pos);
    for (const block of blocks) h = block(h);
    const clsOut = tf.reshape(tf.slice(finalNorm(h), [0, 0, 0], [B, 1, C]), [B, C]);
    return tf.losses.softmaxCrossEntropy(onehot, head(clsOut));
  };
  const lr = 1e-3;
  const wd = 0.05;
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  return {
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(forward, vars);
        sampleMemory();
        // AdamW (decoupled): every parameter shrinks by lr * wd, as torch.optim.AdamW and ours do.
        for (const v of vars) v.assign(tf.mul(v, 1 - lr * wd));
        opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        return value.dataSync()[0];
      }),
    dispose: () => {
      opt.dispose();
      tf.dispose([...vars, x, onehot]);
    },
  };
}
