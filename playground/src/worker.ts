/** The training worker: the page sends ToWorker messages, this answers with FromWorker ones (protocol.ts). */
import { decodeModelFile, evaluate } from '@gqa-lab/vit/browser';
import type { FromWorker, ToWorker } from './protocol';
import { DEFAULT_SETTINGS } from './settings';
import { useBackend } from './worker/backend';
import { attentionOf, modelFileOf } from './worker/inspect';
import { Pacer } from './worker/pacer';
import { experimentData, runSession, type WorkerState } from './worker/session';

const post = (message: FromWorker) => self.postMessage(message);
const state: WorkerState = { models: new Map(), normalize: null, loadedMha: null, test: null };
let pacer: Pacer | null = null;

function fail(e: unknown): void {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start': {
      if (pacer) throw new Error('a session is already running: stop it first');
      const session = new Pacer((paused) => post({ type: 'paused', paused }));
      pacer = session;
      try {
        post({
          type: 'backend',
          label: await useBackend(message.settings.backend, (text) => post({ type: 'status', text })),
        });
        await runSession(message.settings, state, session, post);
      } finally {
        pacer = null;
      }
      return;
    }
    case 'pause':
      return pacer?.pause();
    case 'resume':
      return pacer?.resume();
    case 'stop':
      return pacer?.stop();
    case 'attention':
      return post(attentionOf(state, message.run, message.image));
    case 'model-file':
      return post(modelFileOf(state, message.run));
    case 'load-model': {
      const { model, meta } = decodeModelFile(message.bytes, message.name);
      const usedAsBase = model.config.variant.kind === 'mha' && !meta.groupSizes;
      if (usedAsBase) state.loadedMha = model;
      // Evaluated on this session's test images (the bundled default subset before any training).
      const data = state.test && state.normalize ? null : await experimentData(DEFAULT_SETTINGS);
      state.normalize ??= meta.normalize ?? data?.normalize ?? null;
      state.test ??= data?.test ?? null;
      state.models.set('loaded', { model, groupSizes: meta.groupSizes });
      const normalize = meta.normalize ?? state.normalize ?? undefined;
      const test = state.test;
      if (!test) throw new Error('load-model: no test images');
      const m = evaluate(model, test, { batchSize: 100, normalize });
      const c = model.config;
      post({
        type: 'model-loaded',
        name: message.name,
        description: `${c.variant.kind}, ${c.depth} blocks, ${c.numHeads} query heads, ${meta.groupSizes ? meta.groupSizes.map((g) => g.length).join('/') : c.numKvHeads} KV heads, dim ${c.dim}, patch ${c.patchSize}`,
        testAccuracy: m.accuracy,
        usedAsBase,
      });
      return;
    }
  }
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch(fail);
});
