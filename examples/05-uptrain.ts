/**
 * 05 — up-train an MHA ViT to every grouped-query variant and compare them.
 *
 * The paper's experiment in miniature: pretrain a micro ViT (multi-head attention) on a slice of the built-in
 * Fashion-MNIST, convert it to MQA, GQA, KDGQA, DGQA-diff, DGQA-EMA, PGQA, WGQA, QCQA and AsymGQA at 2 KV
 * heads, fine-tune each conversion with the same seed and budget, and print the summary table. The files
 * (results.json, results.csv, summary.md, report.html) go to runs/05-uptrain/.
 * Run: `npx tsx examples/05-uptrain.ts` (about two minutes on 2 cores); `gqa-lab uptrain --help` scales it up.
 */
import { DEFAULT_UPTRAIN_CONFIG, runUptrain, summaryMarkdown, type UptrainConfig } from '@gqa-lab/vit';

const config: UptrainConfig = {
  ...DEFAULT_UPTRAIN_CONFIG,
  trainLimit: 2000, // a slice of the training set keeps the example short
  testLimit: 1000,
  batchSize: 32, // small batches: more optimizer steps from few images
  pretrainEpochs: 3,
  epochs: 1,
  seeds: [42], // one seed keeps it short (the CLI default runs three, for intervals and paired tests)
  kvHeads: [2], // 8 query heads share 2 KV heads: a 4x smaller KV cache
  out: 'runs/05-uptrain',
};

const results = await runUptrain(config, { progress: false });

console.log(`\nMHA before conversion: ${(100 * results.pretrain.testAccuracy).toFixed(2)}% test accuracy\n`);
console.log(summaryMarkdown(results));
// Accuracy right after conversion (no fine-tuning) shows how much each conversion loses at first.
for (const r of results.runs) {
  const before = (100 * r.converted.testAccuracy).toFixed(1);
  const after = (100 * r.testAccuracy).toFixed(1);
  console.log(
    `${r.variant.padEnd(9)} converted ${before.padStart(5)}%  ->  fine-tuned ${after.padStart(5)}%`,
  );
}
console.log(`\nreport: ${config.out}/report.html`);
