/** Messages between the main thread and the webgpu worker (plain data, structured-cloned). */
import type { Program, ProgramResult } from './program';
import type { RunnerStats } from './runner';

export type WorkerRequest =
  | { readonly kind: 'init' }
  | { readonly kind: 'run'; readonly program: Program }
  | { readonly kind: 'download'; readonly handle: number }
  | { readonly kind: 'release'; readonly handles: readonly number[] }
  | { readonly kind: 'dispose' };

export type WorkerReply =
  | {
      readonly ok: true;
      readonly kernelClass: string;
      readonly adapter: string;
      readonly result: ProgramResult;
      readonly stats: RunnerStats;
    }
  | { readonly ok: false; readonly error: string };
