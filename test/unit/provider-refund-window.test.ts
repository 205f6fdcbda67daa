import { withinProviderRefundWindow } from '../../domain/refund';
import { capabilitiesOf } from '../../providers/capabilities';

const DAY_MS = 24 * 3600 * 1000;
const created = '2026-01-01T00:00:00Z';
const daysAfterCreation = (days: number) => Date.parse(created) + days * DAY_MS;

describe('the provider refund window', () => {
  it("keeps PayPal's 180 days, counted from the payment's creation, the last day included", () => {
    const { providerWindowDays } = capabilitiesOf('paypal').refunds;
    expect(withinProviderRefundWindow(providerWindowDays, created, daysAfterCreation(1))).toBe(true);
    expect(withinProviderRefundWindow(providerWindowDays, created, daysAfterCreation(180))).toBe(true);
    expect(withinProviderRefundWindow(providerWindowDays, created, daysAfterCreation(180) + 1)).toBe(false);
    expect(withinProviderRefundWindow(providerWindowDays, created, daysAfterCreation(400))).toBe(false);
  });

  it('never closes for a provider that declares no window', () => {
    expect(capabilitiesOf('stripe').refunds.providerWindowDays).toBeNull();
    expect(withinProviderRefundWindow(capabilitiesOf('stripe').refunds.providerWindowDays, created, daysAfterCreation(3650))).toBe(true);
  });
});
