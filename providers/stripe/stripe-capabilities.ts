import type { ProviderCapabilities } from '../capabilities';

/** Stripe PaymentIntents: cards (3-D Secure happens in the payer's browser, not by redirect to us) and SEPA Direct Debit. */
export const STRIPE_CAPABILITIES = {
  name: 'stripe',
  displayName: 'Stripe',
  methods: {
    card: { label: 'Card', manualCapture: true, partialCapture: true, payerRedirect: false, captureOnApproval: false, payerInstructions: false, currencies: null },
    // SEPA debits settle over days and can't be held for a later capture.
    sepa_debit: { label: 'SEPA Direct Debit', manualCapture: false, partialCapture: false, payerRedirect: false, captureOnApproval: false, payerInstructions: false, currencies: ['eur'] },
  },
  settledBy: 'provider',
  retriesFailedPayments: true,
  refunds: { partial: true, providerWindowDays: null },
  sync: { listsPayments: true },
  importedMethodType: 'card',
  pollsDisputes: true,
} as const satisfies ProviderCapabilities;
