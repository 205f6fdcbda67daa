import type { StoredAnswer } from '../shared/idempotency';

/** Shapes of the Stripe objects the sandbox stores and returns (the subset Durapay reads). */

export type Metadata = Record<string, string>;

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export type CaptureMethod = 'automatic' | 'automatic_async' | 'manual';

export interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string;
  funding: 'credit' | 'debit';
  /** Stable per card number (per test token here), as Stripe's: what block lists match on. */
  fingerprint: string;
}

export interface BillingDetails {
  address: null;
  email: string | null;
  name: string | null;
  phone: null;
}

/** What Stripe shows of an IBAN: never the full number. */
export interface SepaDebitDetails {
  bank_code: string;
  branch_code: string;
  country: string;
  fingerprint: string;
  last4: string;
  generated_from: null;
}

interface PaymentMethodBase {
  id: string;
  object: 'payment_method';
  billing_details: BillingDetails;
  created: number;
  customer: string | null;
  livemode: false;
  metadata: Metadata;
}

export interface CardPaymentMethod extends PaymentMethodBase {
  type: 'card';
  card: CardDetails;
}

export interface SepaDebitPaymentMethod extends PaymentMethodBase {
  type: 'sepa_debit';
  sepa_debit: SepaDebitDetails;
}

export type PaymentMethod = CardPaymentMethod | SepaDebitPaymentMethod;

export interface Customer {
  id: string;
  object: 'customer';
  created: number;
  description: string | null;
  email: string | null;
  name: string | null;
  phone: string | null;
  metadata: Metadata;
  invoice_settings: { default_payment_method: string | null };
  livemode: false;
}

export interface CustomerAcceptance {
  type: 'offline' | 'online';
  accepted_at: number;
  offline?: Record<string, never>;
  online?: { ip_address: string; user_agent: string };
}

export interface Mandate {
  id: string;
  object: 'mandate';
  customer_acceptance: CustomerAcceptance;
  livemode: false;
  multi_use?: Record<string, never>;
  single_use?: { amount: number; currency: string };
  payment_method: string;
  payment_method_details: { type: 'sepa_debit'; sepa_debit: { reference: string; url: string } };
  status: 'active' | 'inactive' | 'pending';
  type: 'multi_use' | 'single_use';
}

export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  client_secret: string;
  created: number;
  customer: string | null;
  description: string | null;
  last_setup_error: null;
  latest_attempt: null;
  mandate: string | null;
  metadata: Metadata;
  next_action: null;
  payment_method: string | null;
  payment_method_types: string[];
  status: 'requires_payment_method' | 'requires_confirmation' | 'succeeded' | 'canceled';
  usage: 'off_session' | 'on_session';
  livemode: false;
}

export interface PaymentError {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  message: string;
  doc_url?: string;
  param?: string;
  charge?: string;
  payment_method?: PaymentMethod;
}

export type NextAction =
  | { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } }
  | { type: 'use_stripe_sdk'; use_stripe_sdk: { type: 'three_d_secure_redirect'; stripe_js: string } };

export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: PaymentIntentStatus;
  capture_method: CaptureMethod;
  client_secret: string;
  confirmation_method: 'automatic';
  created: number;
  customer: string | null;
  description: string | null;
  metadata: Metadata;
  payment_method: string | null;
  payment_method_types: string[];
  latest_charge: string | null;
  last_payment_error: PaymentError | null;
  next_action: NextAction | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  receipt_email: string | null;
  return_url: string | null;
  livemode: false;
}

export interface ChargeOutcome {
  type: 'authorized' | 'issuer_declined';
  reason: string | null;
  network_status: 'approved_by_network' | 'declined_by_network';
  risk_level: 'normal' | 'elevated' | 'highest';
  seller_message: string;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  paid: boolean;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  currency: string;
  customer: string | null;
  description: string | null;
  payment_intent: string;
  metadata: Metadata;
  failure_code: string | null;
  failure_message: string | null;
  outcome: ChargeOutcome | null;
  created: number;
  payment_method: string;
  payment_method_details:
    | { type: 'card'; card: Omit<CardDetails, 'funding'> & { funding: string } }
    | { type: 'sepa_debit'; sepa_debit: Omit<SepaDebitDetails, 'generated_from'> & { mandate: string | null } };
  receipt_email: string | null;
  /** True once a pm_card_createDispute payer has disputed it. */
  disputed: boolean;
  livemode: false;
}

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

/** A chargeback on a charge (pm_card_createDispute), closed by POST /_sandbox/disputes/:id/close. */
export interface Dispute {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: string;
  status: DisputeStatus;
  evidence_details: { due_by: number; has_evidence: boolean; past_due: boolean; submission_count: number };
  is_charge_refundable: boolean;
  metadata: Metadata;
  created: number;
  livemode: false;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  status: RefundStatus;
  reason: string | null;
  metadata: Metadata;
  created: number;
  failure_reason: string | null;
}

export type StripeObject = PaymentIntent | Charge | Refund | PaymentMethod | Customer | SetupIntent | Mandate | Dispute;

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  data: { object: StripeObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

/** A stored answer to an idempotent POST, replayed verbatim for the same key. */
export interface IdempotencyRecord extends StoredAnswer {
  /** The request that first answered, sent back as Original-Request. */
  requestId: string;
}

/** Everything that survives a restart when a state file is configured. */
export interface PersistedState {
  version: 1;
  paymentIntents: PaymentIntent[];
  charges: Charge[];
  refunds: Refund[];
  paymentMethods: PaymentMethod[];
  /** Generated pm_ id -> the test token it was made from (decides the card's behaviour). */
  paymentMethodTokens: Record<string, string>;
  events: StripeEvent[];
  idempotency: IdempotencyRecord[];
  /** Refunds of pm_card_refundFail payments still waiting to turn failed. */
  refundsAwaitingFailure: string[];
  /** Added with SEPA Direct Debit; absent in older state files. */
  customers?: Customer[];
  deletedCustomers?: string[];
  setupIntents?: SetupIntent[];
  mandates?: Mandate[];
  /** sepa_debit pm_ id -> how its test IBAN settles (the IBAN itself is never kept). */
  sepaOutcomes?: Record<string, SepaOutcome>;
  /** SEPA payments still processing, with when they settle (ms since the epoch). */
  sepaSettlements?: SepaSettlement[];
  /** Added with disputes; absent in older state files. */
  disputes?: Dispute[];
  /** Charges of pm_card_createDispute payments whose dispute is still to open, with when (ms since the epoch). */
  disputesToOpen?: Array<{ chargeId: string; dueAt: number }>;
}

/** How a SEPA debit from a given test IBAN ends; see sepa-test-ibans.ts. */
export type SepaOutcome = 'succeeds' | 'insufficient_funds' | 'charge_exceeds_source_limit' | 'charge_exceeds_weekly_limit';

export interface SepaSettlement {
  paymentIntentId: string;
  dueAt: number;
}
