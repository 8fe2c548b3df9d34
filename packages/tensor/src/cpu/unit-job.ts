/**
 * The jobs the worker pool runs, each described by one message per job (pool-control.ts): `unitRunner`
 * gives the number of units of a job and the function that computes one of them, on any thread.
 */
import { type AttentionJobMessage, attentionUnits } from './attention-pool';
import { type GeluJobMessage, geluUnits } from './gelu-pool';
import { type LayerNormJobMessage, layerNormUnits } from './layer-norm-pool';
import { type MatmulJobMessage, matmulUnits } from './matmul-job';

/** Every job the pool runs: matmul, fused attention and GELU (forward or backward), layer norm. */
export type UnitJobMessage = MatmulJobMessage | AttentionJobMessage | GeluJobMessage | LayerNormJobMessage;

/** The number of units of the job `m` and the function computing one. */
export function unitRunner(m: UnitJobMessage): { total: number; run: (unit: number) => void } {
  if (m.job === 'matmul') return matmulUnits(m);
  if (m.job === 'gelu') return geluUnits(m);
  if (m.job === 'layerNorm') return layerNormUnits(m);
  return attentionUnits(m);
}
