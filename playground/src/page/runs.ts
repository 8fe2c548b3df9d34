/** The page's record of a session: per run its steps, epochs, allocation traces and final result. */
import type { EpochRecord, UptrainResults, VariantRun } from '@gqa-lab/vit/browser';
import type { FromWorker } from '../protocol';

export interface RunView {
  name: string;
  kvHeadsPerLayer: number[];
  totalSteps: number;
  converted: number | null;
  steps: { step: number; loss: number; accuracy: number }[];
  epochs: EpochRecord[];
  /** traceSteps[i] is the step of allocation[i] / keyNorms[i], each (layers, KV heads). */
  traceSteps: number[];
  allocation: number[][][];
  keyNorms: number[][][];
  result: VariantRun | null;
  confusion: number[][] | null;
}

export class SessionView {
  readonly runs = new Map<string, RunView>();
  results: UptrainResults | null = null;
  stopped = false;

  /** Applies one worker message; returns true when something drawn from this state changed. */
  apply(m: FromWorker): boolean {
    switch (m.type) {
      case 'run-start':
        this.runs.set(m.run, {
          name: m.run,
          kvHeadsPerLayer: m.kvHeadsPerLayer,
          totalSteps: m.totalSteps,
          converted: m.converted,
          steps: [],
          epochs: [],
          traceSteps: [],
          allocation: [],
          keyNorms: [],
          result: null,
          confusion: null,
        });
        return true;
      case 'step':
        this.runs.get(m.run)?.steps.push({ step: m.step, loss: m.loss, accuracy: m.accuracy });
        return true;
      case 'epoch':
        this.runs.get(m.run)?.epochs.push(m.record);
        return true;
      case 'trace': {
        const r = this.runs.get(m.run);
        if (!r) return false;
        r.traceSteps.push(m.step);
        r.allocation.push(m.allocation);
        r.keyNorms.push(m.keyNorms);
        return true;
      }
      case 'run-done': {
        const r = this.runs.get(m.run);
        if (!r) return false;
        r.result = m.result;
        r.confusion = m.confusion;
        return true;
      }
      case 'done':
        this.results = m.results;
        this.stopped = m.stopped;
        return true;
      default:
        return false;
    }
  }

  /** Steps done and planned over all runs started so far. */
  progress(): { done: number; total: number } {
    let done = 0;
    let total = 0;
    for (const r of this.runs.values()) {
      done += r.steps.length;
      total += r.totalSteps;
    }
    return { done, total };
  }
}
