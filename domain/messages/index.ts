import { de } from './de';
import { en, type MessageCatalogue } from './en';
import { fr } from './fr';
import { nl } from './nl';

export type { MessageCatalogue } from './en';
export type Language = 'en' | 'fr' | 'nl' | 'de';
export const LANGUAGES: readonly Language[] = ['en', 'fr', 'nl', 'de'];

/** One catalogue per language; TypeScript and test/unit/messages.test.ts keep their keys identical. */
export const CATALOGUES: Record<Language, MessageCatalogue> = { en, fr, nl, de };

/** fr, fr-BE, FR_be → fr; anything not translated → en. */
export function languageOf(locale: string | null | undefined): Language {
  const primary = (locale ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : 'en';
}

/** Fills {name} placeholders; a missing value is a programming error and says so. */
export function fillMessage(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (values[name] === undefined) throw new Error(`message placeholder {${name}} has no value in "${template}"`);
    return String(values[name]);
  });
}

export function messagesFor(locale: string | null | undefined): MessageCatalogue {
  return CATALOGUES[languageOf(locale)];
}
