/** Every workflow the worker runs; the bundler starts here. */
export { takePayment } from './take-payment';
export { recordLateProviderEvent } from './record-late-provider-event';
export { refundPayment } from './refund-payment';
