/** Regenerates domain/currencies.ts from the currency-codes package (ISO 4217 data). */
import fs from 'node:fs';
import path from 'node:path';
import currencyCodes from 'currency-codes';

const exponents: Record<string, number> = {};
for (const currency of currencyCodes.data) {
  if (Number.isInteger(currency.digits)) exponents[currency.code] = currency.digits;
}
const lines = Object.keys(exponents)
  .sort()
  .map((code) => `  ${code}: ${exponents[code]},`)
  .join('\n');
const target = path.join(__dirname, '..', 'domain', 'currencies.ts');
fs.writeFileSync(
  target,
  `/** ISO 4217 minor-unit exponents, generated from the currency-codes package by scripts/generate-currencies.ts. */\nexport const ISO_4217_MINOR_UNITS: Readonly<Record<string, number>> = {\n${lines}\n};\n`,
);
console.log(`wrote ${Object.keys(exponents).length} currencies to ${target}`);
