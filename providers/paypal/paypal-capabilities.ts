import type { ProviderCapabilities } from '../capabilities';

/** PayPal Checkout (Orders v2, intent CAPTURE): the payer approves at PayPal and comes back through the engine. */
export const PAYPAL_CAPABILITIES = {
  name: 'paypal',
  displayName: 'PayPal',
  methods: {
    // An approved order waits to be captured: automatically by the workflow, or by the merchant (in full only).
    paypal: { label: 'PayPal', manualCapture: true, partialCapture: false, payerRedirect: true, captureOnApproval: true, payerInstructions: false, currencies: null },
  },
  settledBy: 'provider',
  retriesFailedPayments: true,
  // PayPal refuses refunds of captures older than 180 days.
  refunds: { partial: true, providerWindowDays: 180 },
  // No search by creation time: sync verifies the engine's own unfinished payments and refunds one by one.
  sync: { listsPayments: false },
  importedMethodType: 'paypal',
  // No dispute read in the adapter yet: dispute workflows wait for webhooks.
  pollsDisputes: false,
} as const satisfies ProviderCapabilities;
