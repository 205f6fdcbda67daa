/** Every workflow the worker runs; the bundler starts here. */
export { takePayment } from './take-payment';
export { recordLateProviderEvent } from './record-late-provider-event';
export { refundPayment } from './refund-payment';
export { savePaymentMethod } from './save-payment-method';
export { detachPaymentMethod } from './detach-payment-method';
export { eraseCustomer } from './erase-customer';
export { syncProviderPayments } from './sync-provider-payments';
export { handleDispute } from './handle-dispute';
export { deliverWebhook } from './deliver-webhook';
export { pauseProcessing } from './pause-processing';
export { reconcileLedger } from './reconcile-ledger';
export { sendDocumentEmail } from './send-document-email';
export { notifyContactChange } from './notify-contact-change';
export { applyRetention } from './apply-retention';
