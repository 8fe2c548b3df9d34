// A hostile results.json (issue 17, cases 3, 6, 7): validated before rendering, every value escaped by the
// html template, so no input makes report.html run script, print NaN or throw an untyped error.
import { FileFormatError } from '@gqa-lab/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonMutationArb, mutateJson } from '../../../testing/json-mutations';
import { renderReport } from '../src/report/html';
import { Html, html } from '../src/report/html-template';
import { parseResults } from '../src/uptrain-results';
import { fixedResults } from './uptrain-fixtures';

const SCRIPT = '<script>alert(document.domain)</script>';

function edited(patch: (r: Record<string, unknown> & { dataset: Record<string, unknown> }) => void): unknown {
  const r = structuredClone(fixedResults());
  patch(r);
  return r;
}

function refusal(value: unknown): FileFormatError {
  try {
    parseResults(value, 'results.json');
  } catch (e) {
    if (e instanceof FileFormatError) return e;
    throw e;
  }
  throw new Error('expected results.json to be refused');
}

/** The elements the report itself writes. */
const REPORT_TAGS = new Set(
  'html head meta title style body h1 h2 p b table thead tbody tr th td figure pre svg text line rect path circle'.split(
    ' ',
  ),
);

/** No element or attribute can run script: every tag is one the report writes, none has an on* handler. */
function expectNoScript(page: string): void {
  for (const tag of page.match(/<[^>]*>/g) ?? []) {
    if (tag.startsWith('<!DOCTYPE')) continue;
    const name = /^<\/?([a-z0-9]+)/i.exec(tag)?.[1] ?? tag;
    expect(REPORT_TAGS.has(name), tag).toBe(true);
    expect(tag).not.toMatch(/\son[a-z]+\s*=|javascript:/i);
  }
}

describe('results.json before rendering', () => {
  it('dataset.trainSize "<script>..." is refused naming the key', () => {
    const e = refusal(edited((r) => Reflect.set(r.dataset, 'trainSize', SCRIPT)));
    expect(e.keyPath).toBe('dataset.trainSize');
    expect(e.message).toContain('results.json');
  });

  it('pretrain.testAccuracy "high" is refused (no "NaN%" in the page)', () => {
    expect(refusal(edited((r) => Reflect.set(r.pretrain as object, 'testAccuracy', 'high'))).keyPath).toBe(
      'pretrain.testAccuracy',
    );
  });

  it('a config value JSON cannot hold (-Infinity, found by the fuzz below at seed 47212813) is refused', () => {
    const e = refusal(edited((r) => Reflect.set(r.config as object, 'preset', Number.NEGATIVE_INFINITY)));
    expect(e.keyPath).toBe('config.preset');
  });

  it('runs[0].kvHeadsPerLayer that is not a list is refused (no "perLayer.reduce is not a function")', () => {
    const e = refusal(
      edited((r) => {
        const runs = r.runs;
        if (Array.isArray(runs)) Reflect.set(runs[0], 'kvHeadsPerLayer', 5);
      }),
    );
    expect(e.keyPath).toBe('runs[0].kvHeadsPerLayer');
  });

  it('script in every text field that is allowed to be text is escaped in the page', () => {
    const results = parseResults(
      edited((r) => {
        Reflect.set(r.dataset, 'name', SCRIPT);
        Reflect.set(r.dataset, 'source', '"><img src=x onerror=alert(1)>');
        Reflect.set(r.pretrain as object, 'origin', SCRIPT);
        Reflect.set(r, 'config', { [SCRIPT]: SCRIPT });
      }),
      'results.json',
    );
    const page = renderReport(results);
    expectNoScript(page);
    expect(page).toContain('&lt;script&gt;alert(document.domain)&lt;/script&gt;');
  });

  it('fuzz: mutated results.json is refused with a FileFormatError or renders a page without script or NaN', () => {
    const good = fixedResults();
    fc.assert(
      fc.property(jsonMutationArb, (mutation) => {
        let results: ReturnType<typeof parseResults>;
        try {
          results = parseResults(mutateJson(good, mutation), 'results.json');
        } catch (e) {
          if (e instanceof FileFormatError) return;
          throw e;
        }
        const page = renderReport(results);
        expectNoScript(page);
        expect(page).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the html template', () => {
  it('escapes every interpolated value: only the literal parts make markup', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(SCRIPT, '"><img onerror=x>', "'&amp;")), {
          maxLength: 5,
        }),
        (values) => {
          const out = html`<p>${values}</p><b title="${values.join(' ')}">${values[0]}</b>`.text;
          const tags = out.match(/<[^>]*>/g) ?? [];
          for (const t of tags) expect(t).toMatch(/^<\/?(p|b)( title="[^"<>]*")?>$/);
        },
      ),
    );
  });

  it('keeps Html values, drops null / undefined / false, joins lists', () => {
    const inner = html`<i>${'a<b'}</i>`;
    expect(html`${[inner, null, undefined, false, 1]}`.text).toBe('<i>a&lt;b</i>1');
  });
});

describe('Html values', () => {
  it('cannot be made from raw text outside the template', () => {
    expect(() => new Html('<script>', Symbol('html template'))).toThrow(
      'only the html template makes markup',
    );
  });
});
