/**
 * The record of one fine-tuned variant (a VariantRun), built one way for the CLI's uptrain
 * (uptrain-fine-tune.ts) and the playground's worker, so both write the same results.
 */
import type { TelemetryRecorder } from '@gqa-lab/gqa';
import { tracesFrom } from './uptrain-probes';
import {
  type EpochRecord,
  kvCacheBytesPerToken,
  type StepRecord,
  type UptrainVariant,
  type VariantRun,
} from './uptrain-results';
import type { ViT } from './vit';

/** What a variant's run produced: the job, its model after fine-tuning (WGQA folded), and its measurements. */
export interface VariantRunParts {
  readonly variant: UptrainVariant;
  readonly kvHeads: number;
  readonly seed: number;
  /** Query heads per KV head, per layer, as converted. */
  readonly groupSizes: number[][];
  readonly model: ViT;
  /** Test accuracy and loss right after conversion, and after fine-tuning. */
  readonly converted: { readonly accuracy: number; readonly loss: number };
  readonly final: { readonly accuracy: number; readonly loss: number };
  readonly trainSeconds: number;
  readonly history: EpochRecord[];
  readonly steps: StepRecord[];
  /** The telemetry recorder of a traced variant, or null. */
  readonly recorder: TelemetryRecorder | null;
}

/** The VariantRun record of one run: KV heads per layer, parameters, KV-cache bytes and traces derived here. */
export function variantRunRecord(p: VariantRunParts): VariantRun {
  const kvHeadsPerLayer = p.groupSizes.map((g) => g.length);
  return {
    variant: p.variant,
    kvHeads: p.kvHeads,
    kvHeadsPerLayer,
    groupSizes: p.groupSizes,
    seed: p.seed,
    converted: { testAccuracy: p.converted.accuracy, testLoss: p.converted.loss },
    testAccuracy: p.final.accuracy,
    testLoss: p.final.loss,
    params: p.model.numParameters(),
    kvBytesPerToken: kvCacheBytesPerToken(kvHeadsPerLayer, p.model.config),
    trainSeconds: p.trainSeconds,
    history: p.history,
    steps: p.steps,
    traces: p.recorder ? tracesFrom(p.recorder, p.model.config.depth) : [],
  };
}
