import { z } from 'zod';
import { DEFAULT_VAT_RATES, type PriceMode } from '../domain/tax';

/** What an issued document needs from configuration; frozen into each document when it is issued. */
export interface InvoiceSettings {
  /** `invoice` (with buyer and VAT breakdown) or a simpler `receipt`. */
  kind: 'invoice' | 'receipt';
  series: string;
  creditNoteSeries: string;
  prices: PriceMode;
  /** Buyer's country → VAT percent. */
  vatRates: Record<string, number>;
  seller: { name: string; address: string[]; country: string; vat_id: string | null };
}

const series = z.string().regex(/^[A-Z0-9]{1,10}$/, 'must be 1–10 capital letters or digits');
const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as BE');

const invoiceEnvironment = z.object({
  INVOICE_KIND: z.enum(['invoice', 'receipt']).default('invoice'),
  INVOICE_SERIES: series.default('DP'),
  CREDIT_NOTE_SERIES: series.default('DPC'),
  INVOICE_PRICES: z.enum(['inclusive', 'exclusive']).default('inclusive'),
  VAT_RATES: z
    .string()
    .default('')
    .transform((value, context) => {
      const rates: Record<string, number> = { ...DEFAULT_VAT_RATES };
      for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = /^([A-Z]{2})[:=](\d{1,2}(?:\.\d{1,2})?)$/.exec(entry);
        if (!match) {
          context.addIssue({ code: 'custom', message: `"${entry}" is not COUNTRY:PERCENT such as FR:20 or FR:5.5` });
          continue;
        }
        rates[match[1]] = Number(match[2]);
      }
      return rates;
    }),
  SELLER_NAME: z.string().min(1).default('Durapay Merchant'),
  /** Lines separated by newlines or by `\n` written out. */
  SELLER_ADDRESS: z.string().default(''),
  SELLER_COUNTRY: country.default('BE'),
  SELLER_VAT_ID: z.string().optional(),
});

/** Reads the INVOICE_*, VAT_RATES and SELLER_* variables; throws a ZodError naming each bad one. */
export function loadInvoiceSettings(env: NodeJS.ProcessEnv = process.env): InvoiceSettings {
  const e = invoiceEnvironment.parse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  return {
    kind: e.INVOICE_KIND,
    series: e.INVOICE_SERIES,
    creditNoteSeries: e.CREDIT_NOTE_SERIES,
    prices: e.INVOICE_PRICES,
    vatRates: e.VAT_RATES,
    seller: {
      name: e.SELLER_NAME,
      address: e.SELLER_ADDRESS.split(/\\n|\n/).map((line) => line.trim()).filter(Boolean),
      country: e.SELLER_COUNTRY,
      vat_id: e.SELLER_VAT_ID?.trim() || null,
    },
  };
}

/** Problems in the invoice variables, one line each, for loadConfig's startup check. */
export function invoiceSettingsProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadInvoiceSettings(env);
    return [];
  } catch (error) {
    if (error instanceof z.ZodError) return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw error;
  }
}
