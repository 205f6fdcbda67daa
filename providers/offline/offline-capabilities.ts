import type { ProviderCapabilities } from '../capabilities';

/**
 * Bank transfer and cash: no provider API. The payer gets instructions with a structured reference, an admin marks
 * the money received, and an unpaid payment lapses; there is nothing to retry, capture, sync or poll.
 */
export const OFFLINE_CAPABILITIES = {
  name: 'offline',
  displayName: 'Bank transfer or cash',
  methods: {
    bank_transfer: { label: 'Bank transfer', manualCapture: false, partialCapture: false, payerRedirect: false, captureOnApproval: false, payerInstructions: true, currencies: null },
    cash: { label: 'Cash', manualCapture: false, partialCapture: false, payerRedirect: false, captureOnApproval: false, payerInstructions: true, currencies: null },
  },
  settledBy: 'merchant',
  retriesFailedPayments: false,
  refunds: { partial: true, providerWindowDays: null },
  sync: null,
  importedMethodType: null,
  pollsDisputes: false,
} as const satisfies ProviderCapabilities;
