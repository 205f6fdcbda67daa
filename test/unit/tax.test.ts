import { creditedTax, DEFAULT_VAT_RATES, lineForAmountPaid, taxInGross, taxLines, taxOnNet, taxTreatment } from '../../domain/tax';

const seller = { country: 'BE', vat_id: 'BE0123456749' };

describe('VAT treatment by buyer', () => {
  it.each([
    ['BE', 21],
    ['FR', 20],
    ['NL', 21],
    ['DE', 19],
    ['LU', 17],
  ])('a consumer in %s pays %s%%', (country, rate) => {
    expect(taxTreatment(seller, { country, vat_id: null }, DEFAULT_VAT_RATES)).toEqual({ country, rate, reverse_charge: false });
  });

  it('an EU business buyer with a VAT id in another member state: reverse charge at 0%', () => {
    expect(taxTreatment(seller, { country: 'DE', vat_id: 'DE123456789' }, DEFAULT_VAT_RATES)).toEqual({ country: 'DE', rate: 0, reverse_charge: true });
  });

  it('a business buyer in the seller’s own country pays local VAT', () => {
    expect(taxTreatment(seller, { country: 'BE', vat_id: 'BE0999999999' }, DEFAULT_VAT_RATES)).toEqual({ country: 'BE', rate: 21, reverse_charge: false });
  });

  it('a buyer outside the EU with a VAT-like id is no reverse charge; unknown countries take the seller’s rate', () => {
    expect(taxTreatment(seller, { country: 'US', vat_id: 'US-EIN-1' }, DEFAULT_VAT_RATES)).toEqual({ country: 'BE', rate: 21, reverse_charge: false });
    expect(taxTreatment(seller, { country: null, vat_id: null }, DEFAULT_VAT_RATES)).toEqual({ country: 'BE', rate: 21, reverse_charge: false });
  });

  it('a blank VAT id is no VAT id', () => {
    expect(taxTreatment(seller, { country: 'FR', vat_id: '  ' }, DEFAULT_VAT_RATES).reverse_charge).toBe(false);
  });
});

describe('rounding in minor units', () => {
  it('rounds half away from zero, per line', () => {
    expect(taxOnNet(1001, 21)).toBe(210); // 210.21
    expect(taxOnNet(1003, 21)).toBe(211); // 210.63
    expect(taxOnNet(50, 21)).toBe(11); // 10.5 → 11
    expect(taxOnNet(1, 19)).toBe(0);
    expect(taxOnNet(3, 17)).toBe(1); // 0.51
    expect(taxOnNet(1000, 5.5)).toBe(55);
    expect(taxInGross(1210, 21)).toBe(210);
    expect(taxInGross(1999, 21)).toBe(347); // 346.94
    expect(taxInGross(1, 21)).toBe(0);
    expect(taxInGross(999, 20)).toBe(167); // 166.5 → 167
  });

  it.each([
    ['BE', 21, 1999, 347],
    ['FR', 20, 1999, 333],
    ['NL', 21, 12345, 2143],
    ['DE', 19, 1999, 319],
    ['LU', 17, 1999, 290],
  ])('inclusive prices in %s (%s%%): %s paid holds %s VAT', (_country, rate, paid, tax) => {
    const totals = taxLines([{ description: 'x', quantity: 1, unit_amount: paid }], rate, 'inclusive');
    expect(totals).toMatchObject({ subtotal: paid - tax, tax, total: paid });
  });

  it.each([
    ['BE', 21, 1999, 420],
    ['FR', 20, 1999, 400],
    ['NL', 21, 12345, 2592],
    ['DE', 19, 1999, 380],
    ['LU', 17, 1999, 340],
  ])('exclusive prices in %s (%s%%): %s net adds %s VAT', (_country, rate, net, tax) => {
    const totals = taxLines([{ description: 'x', quantity: 1, unit_amount: net }], rate, 'exclusive');
    expect(totals).toMatchObject({ subtotal: net, tax, total: net + tax });
  });

  it('sums per-line tax, which can differ from tax on the sum (and that is what the invoice shows)', () => {
    const lines = [1, 2, 3].map(() => ({ description: 'odd', quantity: 1, unit_amount: 50 }));
    const totals = taxLines(lines, 21, 'exclusive');
    expect(totals.lines.map((line) => line.tax)).toEqual([11, 11, 11]);
    expect(totals).toMatchObject({ subtotal: 150, tax: 33, total: 183 });
    expect(taxOnNet(150, 21)).toBe(32);
  });

  it('quantities multiply before rounding', () => {
    expect(taxLines([{ description: 'q', quantity: 3, unit_amount: 333 }], 21, 'exclusive')).toMatchObject({ subtotal: 999, tax: 210, total: 1209 });
  });

  it('refuses fractional minor units and zero quantities', () => {
    expect(() => taxLines([{ description: 'x', quantity: 1, unit_amount: 10.5 }], 21, 'inclusive')).toThrow(RangeError);
    expect(() => taxLines([{ description: 'x', quantity: 0, unit_amount: 10 }], 21, 'inclusive')).toThrow(RangeError);
  });

  it('reverse charge: no VAT, net equals total in both modes', () => {
    expect(taxLines([{ description: 'x', quantity: 1, unit_amount: 1999 }], 0, 'inclusive')).toMatchObject({ subtotal: 1999, tax: 0, total: 1999 });
    expect(taxLines([{ description: 'x', quantity: 1, unit_amount: 1999 }], 0, 'exclusive')).toMatchObject({ subtotal: 1999, tax: 0, total: 1999 });
  });
});

describe('an amount already paid', () => {
  it('inclusive: the amount paid is the line price', () => {
    expect(lineForAmountPaid('Order', 1999, 21, 'inclusive')).toMatchObject({ subtotal: 1652, tax: 347, total: 1999 });
  });

  it('exclusive: a net price whose VAT makes exactly the amount paid, for every amount up to 10 000', () => {
    const wrong: string[] = [];
    for (const rate of Object.values(DEFAULT_VAT_RATES)) {
      for (let paid = 1; paid <= 10_000; paid += 1) {
        const totals = lineForAmountPaid('Order', paid, rate, 'exclusive');
        const exact = totals.subtotal + taxOnNet(totals.subtotal, rate) === paid;
        // VAT rounding skips a few amounts: no net price reaches them, so VAT takes the one minor unit of difference.
        const skipped = Math.abs(totals.tax - taxOnNet(totals.subtotal, rate)) === 1;
        if (totals.total !== paid || totals.subtotal + totals.tax !== paid || !(exact || skipped)) wrong.push(`${rate}%: ${paid}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('exclusive 1999 at 21%: 1652 net + 347 VAT', () => {
    expect(lineForAmountPaid('Order', 1999, 21, 'exclusive')).toMatchObject({ subtotal: 1652, tax: 347, total: 1999 });
  });
});

describe('credit notes', () => {
  const invoice = { total: 1999, tax: 347 };

  it('a full refund credits all the VAT', () => {
    expect(creditedTax(invoice, { total: 0, tax: 0 }, 1999)).toBe(347);
  });

  it('partial refunds credit VAT in proportion and, together, exactly the invoice’s VAT', () => {
    const first = creditedTax(invoice, { total: 0, tax: 0 }, 333);
    const second = creditedTax(invoice, { total: 333, tax: first }, 333);
    const last = creditedTax(invoice, { total: 666, tax: first + second }, 1333);
    expect(first).toBe(58); // 57.8
    expect(first + second + last).toBe(347);
  });

  it('refuses to credit more than was invoiced', () => {
    expect(() => creditedTax(invoice, { total: 1000, tax: 174 }, 1000)).toThrow(RangeError);
  });
});
