/**
 * The one way the report writes markup: the `html` tagged template. Every interpolated value is escaped
 * unless it is itself an `Html` made by this template, so text from results.json (variant names, dataset
 * names, config values) can never become markup: escaping happens by construction, not by remembering.
 */

/** Held only by this module, so nothing else can make an Html out of raw text. */
const MADE_BY_TEMPLATE = Symbol('html template');

/** Markup made by the `html` template (nothing else can construct one), safe to insert as is. */
export class Html {
  readonly #text: string;
  constructor(text: string, token: symbol) {
    if (token !== MADE_BY_TEMPLATE) throw new TypeError('Html: only the html template makes markup');
    this.#text = text;
  }
  /** The markup. */
  get text(): string {
    return this.#text;
  }
  toString(): string {
    return this.#text;
  }
}

/** What may appear in ${...}: text and numbers (escaped), Html (kept), lists (each item, joined). */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Escapes text for HTML / XML content and attribute values. */
export function escapeText(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeText(String(value));
}

/** html`<p>${name}</p>`: the literal parts are markup, every value is escaped (see HtmlValue). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out, MADE_BY_TEMPLATE);
}
