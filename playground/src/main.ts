/** The playground page: controls -> worker messages, worker messages -> charts (redrawn at most once a frame). */
import { FASHION_MNIST_CLASSES, type Html } from '@gqa-lab/vit/browser';
import { allocationCharts, attentionCharts, comparison, confusionChart, curveCharts } from './page/charts';
import { byId, fillControls, readSettings, setRunning } from './page/controls';
import { download } from './page/download';
import { renderReadTheCode } from './page/read-the-code';
import { SessionView } from './page/runs';
import type { FromWorker, ToWorker } from './protocol';
import { settingsProblem } from './settings';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
let view = new SessionView();
let drawPending = false;

/** Replaces a panel's content with chart markup (made by the report's html template, so escaped). */
function show(id: string, markup: Html | null, empty = ''): void {
  byId(id, HTMLElement).innerHTML = markup ? markup.text : empty;
}

function status(text: string): void {
  byId('status', HTMLElement).textContent = text;
}

function draw(): void {
  drawPending = false;
  show('curves', curveCharts(view));
  show('allocation', allocationCharts(view), '<p>Appears while a KDGQA or DGQA variant trains.</p>');
  show('compare', comparison(view));
  const { done, total } = view.progress();
  const bar = byId('progress', HTMLProgressElement);
  bar.max = Math.max(1, total);
  bar.value = done;
  drawInspectChoices();
}

function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

/** The models one can inspect: finished runs, the pretrained MHA model and a loaded file. */
function drawInspectChoices(): void {
  const select = byId('inspect-run', HTMLSelectElement);
  const names = [...view.runs.values()]
    .filter((r) => r.result !== null || r.name === 'pretrain')
    .map((r) => r.name);
  if (loadedName) names.push('loaded');
  const current = [...select.options].map((o) => o.value);
  if (current.join() === names.join()) return;
  const keep = select.value;
  select.replaceChildren(...names.map((n) => new Option(n === 'loaded' ? `loaded: ${loadedName}` : n, n)));
  if (names.includes(keep)) select.value = keep;
  const any = names.length > 0;
  byId('show-attention', HTMLButtonElement).disabled = !any;
  byId('download-model', HTMLButtonElement).disabled = !any;
}

let loadedName: string | null = null;

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (view.apply(m)) scheduleDraw();
  switch (m.type) {
    case 'backend':
      byId('backend-label', HTMLOutputElement).value = m.label;
      return;
    case 'status':
      return status(m.text);
    case 'paused':
      setRunning(m.paused ? 'paused' : 'running');
      return status(m.paused ? 'paused' : 'training');
    case 'run-done':
      return status(`${m.run}: test accuracy ${(100 * m.result.testAccuracy).toFixed(1)}%`);
    case 'done':
      setRunning('idle');
      byId('download-results', HTMLButtonElement).disabled = false;
      return status(m.stopped ? 'stopped: the finished runs are kept' : 'done');
    case 'attention': {
      const run = view.runs.get(m.run);
      const confusion = run ? confusionChart(run, FASHION_MNIST_CLASSES) : null;
      byId('inspect', HTMLElement).innerHTML = attentionCharts(m).text + (confusion?.text ?? '');
      return;
    }
    case 'model-file':
      return download(m.name, m.bytes, 'application/octet-stream');
    case 'model-loaded':
      loadedName = m.name;
      scheduleDraw();
      return status(
        `loaded ${m.name}: ${m.description}; test accuracy ${(100 * m.testAccuracy).toFixed(1)}%` +
          (m.usedAsBase ? '; the next training starts from it instead of pretraining' : ''),
      );
    case 'error':
      byId('error', HTMLElement).textContent = m.message;
      setRunning('idle');
      return;
  }
});

function start(): void {
  const settings = readSettings();
  const problem = settingsProblem(settings);
  byId('error', HTMLElement).textContent = problem ?? '';
  if (problem) return;
  view = new SessionView();
  byId('download-results', HTMLButtonElement).disabled = true;
  renderReadTheCode(byId('code', HTMLElement), settings.variants);
  setRunning('running');
  scheduleDraw();
  send({ type: 'start', settings });
}

fillControls();
renderReadTheCode(byId('code', HTMLElement), readSettings().variants);
byId('variants', HTMLFieldSetElement).addEventListener('change', () =>
  renderReadTheCode(byId('code', HTMLElement), readSettings().variants),
);
byId('controls', HTMLFormElement).addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
byId('pause', HTMLButtonElement).addEventListener('click', () => send({ type: 'pause' }));
byId('resume', HTMLButtonElement).addEventListener('click', () => send({ type: 'resume' }));
byId('stop', HTMLButtonElement).addEventListener('click', () => send({ type: 'stop' }));
byId('download-results', HTMLButtonElement).addEventListener('click', () => {
  if (view.results)
    download('results.json', `${JSON.stringify(view.results, null, 1)}\n`, 'application/json');
});
byId('show-attention', HTMLButtonElement).addEventListener('click', () =>
  send({
    type: 'attention',
    run: byId('inspect-run', HTMLSelectElement).value,
    image: Number(byId('image-index', HTMLInputElement).value),
  }),
);
byId('download-model', HTMLButtonElement).addEventListener('click', () =>
  send({ type: 'model-file', run: byId('inspect-run', HTMLSelectElement).value }),
);
byId('model-file', HTMLInputElement).addEventListener('change', async (e) => {
  const file = e.target instanceof HTMLInputElement ? e.target.files?.[0] : undefined;
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: 'load-model', name: file.name, bytes }, [bytes.buffer]);
});
