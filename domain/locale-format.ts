import { languageOf } from './messages';
import { currencyExponent } from './money';

/** The caller's full locale (fr-BE, de-AT) formats numbers and dates when Intl knows it; else its language. */
export function formattingLocale(locale: string | null | undefined): string {
  const language = languageOf(locale);
  const tag = (locale ?? '').trim().replace(/_/g, '-');
  if (tag.toLowerCase().split('-')[0] !== language) return language;
  try {
    return Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : language;
  } catch {
    return language; // not a well-formed language tag
  }
}

/** Minor units for people in their locale: 123450 eur → "€1,234.50" (en), "1 234,50 €" (fr), "€ 1.234,50" (nl). */
export function formatMinorUnits(amount: number, currency: string, locale: string): string {
  // The ISO exponent, not Intl's own idea of the currency's digits, decides the decimals shown.
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(formattingLocale(locale), {
    style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent,
  }).format(amount / 10 ** exponent);
}

/** A day, in UTC so the text never depends on the server's time zone: "30 November 2026", "30 novembre 2026". */
export function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(formattingLocale(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}

/** A VAT rate (percent) in the locale: "21%" (en, nl), "5,5 %" (fr, de). */
export function formatPercent(rate: number, locale: string): string {
  return new Intl.NumberFormat(formattingLocale(locale), { style: 'percent', maximumFractionDigits: 2 }).format(rate / 100);
}
