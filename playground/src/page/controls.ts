/** The settings form: filled from the defaults, read back into Settings; buttons enabled by session state. */
import { UPTRAIN_VARIANTS, type UptrainVariant } from '@gqa-lab/vit/browser';
import {
  type BackendChoice,
  DEFAULT_SETTINGS,
  PLAYGROUND_PRESETS,
  type PlaygroundPreset,
  type Settings,
} from '../settings';

/** The element with `id`, of the given class; throws naming the id when the page lacks it. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`playground: #${id} is missing or not a ${kind.name}`);
  return el;
}

const NUMBER_FIELDS = {
  'pretrain-epochs': 'pretrainEpochs',
  epochs: 'epochs',
  lr: 'lr',
  seed: 'seed',
  'train-images': 'trainImages',
  'test-images': 'testImages',
  'batch-size': 'batchSize',
} as const;

export function fillControls(): void {
  const preset = byId('preset', HTMLSelectElement);
  preset.replaceChildren(
    ...PLAYGROUND_PRESETS.map(
      (p) => new Option(p, p, p === DEFAULT_SETTINGS.preset, p === DEFAULT_SETTINGS.preset),
    ),
  );
  const fieldset = byId('variants', HTMLFieldSetElement);
  for (const v of UPTRAIN_VARIANTS) {
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = `variant-${v}`;
    input.name = 'variants';
    input.value = v;
    input.checked = DEFAULT_SETTINGS.variants.includes(v);
    const label = document.createElement('label');
    label.append(input, ` ${v}`);
    fieldset.append(label);
  }
  for (const [id, key] of Object.entries(NUMBER_FIELDS))
    byId(id, HTMLInputElement).value = String(DEFAULT_SETTINGS[key]);
}

const isPreset = (v: string): v is PlaygroundPreset => PLAYGROUND_PRESETS.some((p) => p === v);
const isVariant = (v: string): v is UptrainVariant => UPTRAIN_VARIANTS.some((p) => p === v);
const isBackend = (v: string): v is BackendChoice => v === 'cpu' || v === 'webgl2';

export function readSettings(): Settings {
  const preset = byId('preset', HTMLSelectElement).value;
  const backend = byId('backend', HTMLSelectElement).value;
  const fidelity = byId('fidelity', HTMLSelectElement).value;
  const variants = [...document.querySelectorAll<HTMLInputElement>('#variants input:checked')]
    .map((i) => i.value)
    .filter(isVariant);
  const num = (id: keyof typeof NUMBER_FIELDS) => Number(byId(id, HTMLInputElement).value);
  return {
    preset: isPreset(preset) ? preset : DEFAULT_SETTINGS.preset,
    variants,
    kvHeads: Number(byId('kv-heads', HTMLSelectElement).value),
    fidelity: fidelity === 'reference' ? 'reference' : 'corrected',
    pretrainEpochs: num('pretrain-epochs'),
    epochs: num('epochs'),
    lr: num('lr'),
    seed: num('seed'),
    trainImages: num('train-images'),
    testImages: num('test-images'),
    batchSize: num('batch-size'),
    backend: isBackend(backend) ? backend : 'cpu',
  };
}

/** Enables the buttons that make sense: idle, running or paused. */
export function setRunning(state: 'idle' | 'running' | 'paused'): void {
  byId('train', HTMLButtonElement).disabled = state !== 'idle';
  byId('pause', HTMLButtonElement).disabled = state !== 'running';
  byId('resume', HTMLButtonElement).disabled = state !== 'paused';
  byId('stop', HTMLButtonElement).disabled = state === 'idle';
}
