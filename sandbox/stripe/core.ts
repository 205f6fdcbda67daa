import type { SandboxStore } from './store';
import type { StripeWebhookDelivery } from './webhook-delivery';

/** What the domain code needs from the running sandbox. */
export interface SandboxCore {
  store: SandboxStore;
  delivery: StripeWebhookDelivery;
  /** e.g. http://127.0.0.1:12112, used to build 3-D Secure page links. */
  baseUrl(): string;
  log(line: string): void;
  /** Starts the "a moment later" timer that fails a pm_card_refundFail refund. */
  scheduleRefundFailure(refundId: string): void;
  /** Starts the timer that settles a processing SEPA payment at store.sepaSettlements' due time. */
  scheduleSepaSettlement(paymentIntentId: string): void;
  /** How long a SEPA debit stays processing. */
  sepaDelayMs: number;
  /** Starts the timer that opens a pm_card_createDispute charge's dispute at store.disputesToOpen's due time. */
  scheduleDispute(chargeId: string): void;
  /** How long after the payment a pm_card_createDispute dispute opens, and how long the merchant then has for evidence. */
  disputeDelayMs: number;
  disputeEvidenceDueSeconds: number;
}
