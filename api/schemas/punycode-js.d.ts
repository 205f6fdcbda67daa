/** punycode.js ships no types; the one function the email check uses (the same library the SMTP server decodes with). */
declare module 'punycode.js' {
  export function toUnicode(domain: string): string;
}
