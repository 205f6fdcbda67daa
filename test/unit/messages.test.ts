import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CATALOGUES, LANGUAGES, languageOf, type MessageCatalogue } from '../../domain/messages';
import { localizedMessage } from '../../api/errors';

const root = path.resolve(__dirname, '..', '..');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('message catalogues', () => {
  const english = CATALOGUES.en;

  it.each(LANGUAGES.filter((language) => language !== 'en'))('%s has every key English has, no more, each translated with the same placeholders', (language) => {
    const catalogue: MessageCatalogue = CATALOGUES[language];
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
    for (const section of Object.keys(english) as (keyof MessageCatalogue)[]) {
      const theirs = catalogue[section] as Record<string, string>;
      const ours = english[section] as Record<string, string>;
      expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
      for (const key of Object.keys(ours)) {
        expect(`${section}.${key}: ${theirs[key].trim().length > 0}`).toBe(`${section}.${key}: true`);
        expect(`${section}.${key}: ${placeholders(theirs[key])}`).toBe(`${section}.${key}: ${placeholders(ours[key])}`);
      }
    }
  });

  it('has a message for every API error code the code base raises', () => {
    const patterns = [
      /ApiError\.invalid\(\s*'([a-z_]+)'/g,
      /new ApiError\(\s*[\w.]+,\s*'[a-z_]+',\s*'([a-z_]+)'/g,
      /\bcode: '([a-z_]+)'/g,
    ];
    const codes = new Set<string>(['resource_missing']);
    for (const file of ['api', 'activities', 'workflows', 'domain'].flatMap((dir) => sourceFiles(path.join(root, dir)))) {
      if (file.includes(`${path.sep}messages${path.sep}`)) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]);
    }
    expect(codes.size).toBeGreaterThan(30);
    const missing = [...codes].filter((code) => !(code in english.errors));
    expect(missing).toEqual([]);
  });

  it('picks the language from a locale', () => {
    expect(languageOf('fr-BE')).toBe('fr');
    expect(languageOf('nl_BE')).toBe('nl');
    expect(languageOf('DE')).toBe('de');
    expect(languageOf('es')).toBe('en');
    expect(languageOf(null)).toBe('en');
  });

  it('localizes API error messages by code, keeping English ones as written', () => {
    const error = { code: 'parameter_missing', message: 'Missing required param: amount.', param: 'amount' };
    expect(localizedMessage(error, 'en')).toBe('Missing required param: amount.');
    expect(localizedMessage(error, 'fr')).toBe('Le paramètre obligatoire amount est manquant.');
    expect(localizedMessage(error, 'de')).toBe('Der Pflichtparameter amount fehlt.');
    expect(localizedMessage({ code: 'resource_missing', message: "No such payment: 'pay_1'" }, 'nl')).toBe("Geen object gevonden voor 'pay_1'.");
    expect(localizedMessage({ code: 'parameter_invalid', message: 'Invalid.' }, 'fr')).toBe('La requête n’est pas valide.');
    expect(localizedMessage({ code: 'some_provider_code', message: 'x' }, 'de')).toBe('Die Anfrage konnte nicht ausgeführt werden (some_provider_code).');
  });
});
