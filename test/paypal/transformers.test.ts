import { fromOrder, toPayPalValue } from '../../providers/paypal/paypal-transformers';
import { fromWebhookBody } from '../../providers/paypal/paypal-webhook-events';
import { ProviderRequestError } from '../../providers/types';

describe('PayPal transformers', () => {
  test('minor units become PayPal decimal strings by the currency exponent', () => {
    expect(toPayPalValue(1999, 'eur')).toBe('19.99');
    expect(toPayPalValue(5, 'usd')).toBe('0.05');
    expect(toPayPalValue(500, 'jpy')).toBe('500');
    expect(toPayPalValue(1234500, 'huf')).toBe('12345'); // whole forints only at PayPal
    expect(() => toPayPalValue(1234550, 'huf')).toThrow(ProviderRequestError);
  });

  test.each([
    ['CREATED', undefined, 'requires_action'],
    ['PAYER_ACTION_REQUIRED', undefined, 'requires_action'],
    ['APPROVED', undefined, 'requires_capture'],
    ['COMPLETED', 'COMPLETED', 'succeeded'],
    ['COMPLETED', 'PARTIALLY_REFUNDED', 'succeeded'],
    ['COMPLETED', 'PENDING', 'processing'],
    ['COMPLETED', 'DECLINED', 'failed'],
    ['COMPLETED', 'FAILED', 'failed'],
    ['VOIDED', undefined, 'canceled'],
  ])('order %s with capture %s is %s', (orderStatus, captureStatus, status) => {
    const state = fromOrder({
      id: 'ORDER0000000000001',
      status: orderStatus as never,
      purchaseUnits: [
        {
          customId: 'pay_1',
          amount: { currencyCode: 'EUR', value: '10.00' },
          ...(captureStatus ? { payments: { captures: [{ id: 'CAP', status: captureStatus as never, amount: { currencyCode: 'EUR', value: '10.00' } }] } } : {}),
        },
      ],
      links: [{ href: 'https://www.sandbox.paypal.com/checkoutnow?token=X', rel: 'payer-action' }],
    });
    expect(state.status).toBe(status);
    expect(state.amountCaptured).toBe(status === 'succeeded' ? 1000 : 0);
    expect(state.nextAction !== null).toBe(status === 'requires_action');
    expect(state.failure !== null).toBe(status === 'failed');
  });

  test('a PAYMENT.CAPTURE.PENDING webhook means processing', () => {
    const body = {
      id: 'WH-1', event_type: 'PAYMENT.CAPTURE.PENDING', create_time: '2026-01-01T00:00:00Z', resource_type: 'capture',
      resource: { id: 'CAP', status: 'PENDING', amount: { currency_code: 'USD', value: '3.50' }, custom_id: 'pay_2', supplementary_data: { related_ids: { order_id: 'ORDER2' } } },
    };
    const { event } = fromWebhookBody(Buffer.from(JSON.stringify(body)));
    expect(event).toMatchObject({ eventId: 'WH-1', providerPaymentId: 'ORDER2', paymentId: 'pay_2', createdAt: 1767225600 });
    expect(event.state).toMatchObject({ status: 'processing', amount: 350, currency: 'usd' });
  });

  test('other event types carry no state', () => {
    const body = { id: 'WH-2', event_type: 'CUSTOMER.DISPUTE.CREATED', resource: { dispute_id: 'PP-D-1' } };
    expect(fromWebhookBody(Buffer.from(JSON.stringify(body))).event).toMatchObject({ state: null, refund: null, providerPaymentId: null });
  });
});
