import { html, type Html } from '../html';
import type { ExternalLink } from '../links';

/** Links out of the console open in a new tab and say so. */
export const externalLink = (link: ExternalLink): Html =>
  html`<a href="${link.href}" target="_blank" rel="noopener noreferrer">${link.label}<span class="visually-hidden"> (opens in a new tab)</span> ↗</a>${link.note ? html` <small>(${link.note})</small>` : ''}`;

/** A history line's data as short key: value pairs (nested values as compact JSON). */
export function summarizeData(data: Record<string, unknown> | null | undefined): Html {
  const entries = Object.entries(data ?? {}).filter(([, value]) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0));
  if (entries.length === 0) return html``;
  return html`<ul class="kv">${entries.map(([key, value]) => html`<li><span>${key}</span> ${typeof value === 'object' ? JSON.stringify(value) : String(value)}</li>`)}</ul>`;
}
