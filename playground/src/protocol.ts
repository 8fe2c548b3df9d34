/** The messages between the page and the training worker (structured-cloned, so plain data only). */
import type {
  AttentionMaps,
  EpochRecord,
  UptrainResults,
  UptrainVariant,
  VariantRun,
} from '@gqa-lab/vit/browser';
import type { Settings } from './settings';

export type ToWorker =
  | { type: 'start'; settings: Settings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** A model file the user picked (written by `gqa-lab train` / `uptrain` or downloaded here). */
  | { type: 'load-model'; name: string; bytes: Uint8Array }
  | { type: 'attention'; run: string; image: number }
  | { type: 'model-file'; run: string };

/** A run is the MHA pretraining ('pretrain'), a fine-tuned variant (its name) or a loaded model ('loaded'). */
export type FromWorker =
  | { type: 'backend'; label: string }
  | { type: 'status'; text: string }
  | { type: 'paused'; paused: boolean }
  | {
      type: 'run-start';
      run: string;
      variant: UptrainVariant | 'pretrain';
      kvHeadsPerLayer: number[];
      totalSteps: number;
      /** Test accuracy right after conversion (fine-tuning runs). */
      converted: number | null;
    }
  | { type: 'step'; run: string; step: number; loss: number; accuracy: number }
  | { type: 'epoch'; run: string; record: EpochRecord }
  /** The allocation and key norms of every layer at one training step (KDGQA / DGQA). */
  | { type: 'trace'; run: string; step: number; allocation: number[][]; keyNorms: number[][] }
  | { type: 'run-done'; run: string; result: VariantRun; confusion: number[][] }
  | { type: 'done'; results: UptrainResults; stopped: boolean }
  | {
      type: 'attention';
      run: string;
      image: number;
      label: string;
      predicted: string;
      pixels: number[];
      maps: AttentionMaps;
      /** Per layer, the KV head each query head read. */
      kvHead: number[][];
    }
  | { type: 'model-file'; run: string; name: string; bytes: Uint8Array }
  | { type: 'model-loaded'; name: string; description: string; testAccuracy: number; usedAsBase: boolean }
  | { type: 'error'; message: string };
