import type { PayPalSandboxStore } from './store';
import type { PayPalWebhookDelivery } from './webhook-delivery';

/** What the routes and domain code need from the running sandbox. */
export interface PayPalSandboxCore {
  store: PayPalSandboxStore;
  delivery: PayPalWebhookDelivery;
  clientId: string;
  clientSecret: string;
  /** e.g. http://127.0.0.1:12113, for links and the checkout page. */
  baseUrl(): string;
  log(line: string): void;
}
