import type { PayPalSandboxCore } from './core';
import { invalidRequest, unprocessable } from './errors';
import { emitEvent } from './events';
import { newPayPalId, nowIso } from './ids';
import { fromUnits, parseMoney, toUnits } from './money';
import { refundJson } from './render';
import type { CaptureRecord, RefundRecord } from './types';

type Json = Record<string, unknown>;

function optionalText(body: Json, key: string, maxLength: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > maxLength) {
    throw invalidRequest({ field: `/${key}`, issue: 'INVALID_STRING_LENGTH', description: `The value of a field is either too short or too long (1 to ${maxLength}).` });
  }
  return value;
}

/** Refunds all that is left of a capture, or `amount` of it; custom_id and invoice_id are echoed back. */
export function refundCapture(core: PayPalSandboxCore, capture: CaptureRecord, body: Json): RefundRecord {
  if (capture.status === 'REFUNDED') {
    throw unprocessable({ issue: 'CAPTURE_FULLY_REFUNDED', description: 'The capture has already been fully refunded.' });
  }
  if (capture.status !== 'COMPLETED' && capture.status !== 'PARTIALLY_REFUNDED') {
    throw unprocessable({ issue: 'REFUND_NOT_ALLOWED', description: `A capture that is ${capture.status} cannot be refunded.` });
  }
  const currency = capture.amount.currency_code;
  const remaining = toUnits(capture.amount) - capture.refunded_units;
  let units = remaining;
  if (body.amount !== undefined) {
    const amount = parseMoney(body.amount, '/amount');
    if (amount.currency_code !== currency) {
      throw unprocessable({ field: '/amount/currency_code', issue: 'REFUND_CAPTURE_CURRENCY_MISMATCH', description: 'Refund must be in the same currency as the capture.' });
    }
    units = toUnits(amount);
    if (units > remaining) {
      throw unprocessable({ field: '/amount/value', issue: 'REFUND_AMOUNT_EXCEEDED', description: 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.' });
    }
  }
  const customId = optionalText(body, 'custom_id', 127);
  const invoiceId = optionalText(body, 'invoice_id', 127);
  const note = optionalText(body, 'note_to_payer', 255);
  const now = nowIso();
  const refund: RefundRecord = {
    id: newPayPalId(),
    capture_id: capture.id,
    order_id: capture.order_id,
    status: 'COMPLETED',
    amount: fromUnits(units, currency),
    ...(customId !== undefined ? { custom_id: customId } : {}),
    ...(invoiceId !== undefined ? { invoice_id: invoiceId } : {}),
    ...(note !== undefined ? { note_to_payer: note } : {}),
    create_time: now,
    update_time: now,
  };
  core.store.refunds.set(refund.id, refund);
  capture.refunded_units += units;
  capture.refund_ids.push(refund.id);
  capture.status = capture.refunded_units >= toUnits(capture.amount) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  capture.update_time = now;
  core.store.changed();
  emitEvent(core, 'PAYMENT.CAPTURE.REFUNDED', 'refund', refundJson(core, refund), `A ${refund.amount.value} ${currency} capture payment was refunded`);
  return refund;
}
