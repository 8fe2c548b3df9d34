/**
 * `pnpm bench` entry: workloads A (matmul), B (attention block), C (tiny ViT step) plus softmax / layer-norm
 * throughput, gqa-lab vs tfjs-backend-cpu vs tfjs-backend-wasm in one process, written to bench/results/.
 * `pnpm bench -- --quick` (or GQA_BENCH_QUICK=1) runs tiny sizes as a smoke test.
 */
import { runBench } from './src/suite';

const quick = process.argv.includes('--quick') || process.env.GQA_BENCH_QUICK === '1';
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const { markdown, files } = await runBench({ quick, only, outDir: out });
process.stdout.write(`\n${markdown}\nwrote ${files.join(', ')}\n`);
