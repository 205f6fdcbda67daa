import { ConfigError, loadConfig } from '../../platform/config';
import { loadInvoiceSettings } from '../../platform/invoice-settings';

describe('invoice settings', () => {
  it('defaults: invoices in series DP, credit notes in DPC, inclusive prices, the five default VAT rates', () => {
    expect(loadInvoiceSettings({})).toEqual({
      kind: 'invoice', series: 'DP', creditNoteSeries: 'DPC', prices: 'inclusive',
      vatRates: { BE: 21, FR: 20, NL: 21, DE: 19, LU: 17 },
      seller: { name: 'Durapay Merchant', address: [], country: 'BE', vat_id: null },
    });
  });

  it('reads the seller, extra or changed rates, and the price mode', () => {
    const settings = loadInvoiceSettings({
      INVOICE_KIND: 'receipt', INVOICE_PRICES: 'exclusive', VAT_RATES: 'FR:5.5, AT:20', SELLER_NAME: 'Atelier Vélo SRL',
      SELLER_ADDRESS: 'Rue Haute 1\\n1000 Bruxelles', SELLER_COUNTRY: 'BE', SELLER_VAT_ID: 'BE0123456749',
    });
    expect(settings).toMatchObject({ kind: 'receipt', prices: 'exclusive', vatRates: { FR: 5.5, AT: 20, BE: 21 } });
    expect(settings.seller).toEqual({ name: 'Atelier Vélo SRL', address: ['Rue Haute 1', '1000 Bruxelles'], country: 'BE', vat_id: 'BE0123456749' });
  });

  it('refuses bad values at startup, one line each', () => {
    try {
      loadConfig({ VAT_RATES: 'France=20', INVOICE_SERIES: 'dp-1', SELLER_COUNTRY: 'Belgium' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('VAT_RATES: "France=20" is not COUNTRY:PERCENT');
      expect(problems).toContain('INVOICE_SERIES');
      expect(problems).toContain('SELLER_COUNTRY');
    }
  });
});
