import type { StoredAnswer } from '../shared/idempotency';
import type { SigningKeyMaterial } from './signing-key';

/** PayPal's amount: a currency code and a decimal string. */
export interface Money {
  currency_code: string;
  value: string;
}

export interface Link {
  href: string;
  rel: string;
  method: 'GET' | 'POST' | 'PATCH';
}

export type OrderStatus = 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
export type CaptureStatus = 'COMPLETED' | 'DECLINED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'PENDING' | 'FAILED';

/** What the payer chose on the checkout page; decides how the capture goes. */
export type PayerOutcome = 'approve' | 'decline' | 'deny';

export interface PurchaseUnitRecord {
  reference_id: string;
  amount: Money;
  custom_id?: string;
  invoice_id?: string;
  description?: string;
  soft_descriptor?: string;
}

export interface Payer {
  payer_id: string;
  email_address: string;
  name: { given_name: string; surname: string };
}

/** An order as the sandbox keeps it; render.ts turns it into PayPal's JSON. */
export interface OrderRecord {
  id: string;
  intent: 'CAPTURE';
  status: OrderStatus;
  purchase_unit: PurchaseUnitRecord;
  /** 'payment_source' for payment_source.paypal.experience_context, else the older application_context. */
  flow: 'payment_source' | 'application_context';
  return_url: string | null;
  cancel_url: string | null;
  brand_name: string | null;
  payer: Payer | null;
  outcome: PayerOutcome | null;
  capture_ids: string[];
  create_time: string;
  update_time: string;
}

export interface CaptureRecord {
  id: string;
  order_id: string;
  status: CaptureStatus;
  amount: Money;
  /** Refunded so far, in PayPal units of the currency (cents, or whole yen). */
  refunded_units: number;
  custom_id?: string;
  invoice_id?: string;
  refund_ids: string[];
  create_time: string;
  update_time: string;
}

export interface RefundRecord {
  id: string;
  capture_id: string;
  order_id: string;
  status: 'COMPLETED';
  amount: Money;
  custom_id?: string;
  invoice_id?: string;
  note_to_payer?: string;
  create_time: string;
  update_time: string;
}

/** PayPal's webhook envelope. */
export interface WebhookEvent {
  id: string;
  event_version: '1.0';
  create_time: string;
  resource_type: 'checkout-order' | 'capture' | 'refund' | 'dispute';
  resource_version: '2.0';
  event_type: string;
  summary: string;
  resource: Record<string, unknown>;
}

/** A payer's dispute of a capture, opened and resolved by the sandbox controls (/_sandbox/disputes). */
export interface DisputeRecord {
  dispute_id: string;
  capture_id: string;
  order_id: string;
  reason: string;
  status: 'WAITING_FOR_SELLER_RESPONSE' | 'RESOLVED';
  dispute_amount: Money;
  seller_response_due_date: string;
  outcome_code: 'RESOLVED_SELLER_FAVOUR' | 'RESOLVED_BUYER_FAVOUR' | null;
  create_time: string;
  update_time: string;
}

/** A stored answer to a POST with a PayPal-Request-Id. */
export type IdempotencyRecord = StoredAnswer;

export interface PersistedState {
  version: 1;
  orders: OrderRecord[];
  captures: CaptureRecord[];
  refunds: RefundRecord[];
  events: WebhookEvent[];
  idempotency: IdempotencyRecord[];
  signingKey: SigningKeyMaterial;
  /** Added with disputes; absent in older state files. */
  disputes?: DisputeRecord[];
}
