/**
 * Where the CPU backend puts the large float32 outputs of its element-wise and layer-norm backward
 * wrappers. With a worker pool, those outputs are often the next pool job's operands (a residual sum is
 * layer norm's input; layer norm's dx and the gradient sums are a Linear's dY, read by both its backward
 * products), and a job copies every operand that is not on a SharedArrayBuffer. Allocating such outputs
 * there saves those copies: about 3 % of the two-thread ViT step (bench/README.md, Round 4f). Small
 * outputs, and every output of a one-thread backend or where no pool runs (browsers), stay ordinary.
 */
import { allocateShared } from '../dtype';
import { type OutputAllocator, plainOutput } from '../wasm/operands';
import { poolRuns } from './thread-pool';

/** Outputs of at least this many elements go on shared storage (a pool job's operands are larger). */
export const SHARED_OUTPUT_MIN = 1 << 16;

/** The output allocator of a backend that runs on `threads` threads (the caller included). */
export function poolOutputs(threads: number): OutputAllocator {
  if (threads < 2) return plainOutput;
  return (n) =>
    n >= SHARED_OUTPUT_MIN && poolRuns() ? allocateShared('float32', n, 'empty') : plainOutput(n);
}
