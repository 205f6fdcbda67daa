import escapeHtml from 'escape-html';
import { formatMoney } from '../../domain/money';

/** Markup that is already safe: only `html` and `raw` make one. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** A template literal whose interpolations are escaped unless they are Html themselves. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  return new Html(strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), ''));
}

/** Markup from a trusted constant (never from data). */
export const raw = (markup: string): Html => new Html(markup);

export const money = (amount: number, currency: string): string => {
  try {
    return formatMoney({ amount, currency });
  } catch {
    return `${amount} ${currency.toUpperCase()} (minor units)`;
  }
};

/** UTC, to the second, as the standards say times are kept. */
export const utc = (iso: string | null | undefined): Html | string => (iso ? html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>` : '—');

export const badge = (status: string): Html => html`<span class="badge badge-${status.replace(/[^a-z_]/g, '')}">${status.replace(/_/g, ' ')}</span>`;

/** A query string from the set values only. */
export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
