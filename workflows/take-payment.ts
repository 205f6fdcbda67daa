import { setHandler } from '@temporalio/workflow';
import type { Payment } from '../domain/payment';
import {
  type CancelRequest, cancelUpdate, type CaptureRequest, captureUpdate, type MarkReceivedRequest, markReceivedUpdate, payerReturnSignal, paymentQuery, providerEventSignal, providerStateKnownUpdate, retryUpdate,
  type TakePaymentInput,
} from './definitions';
import type { PaymentCommand } from './payment-command-rules';
import { PaymentProcess } from './payment-process';
import { emailOutcome } from './payment-workflow-helpers';

/**
 * One payment, from creation at the provider to a final status; the workflow id is the payment id. The shape of
 * Temporal's safe-message-handlers sample: this function wires the handlers to a process object (payment-process.ts,
 * which owns the state and transitions) and runs the main loop; each command's rule is written once
 * (payment-command-rules.ts) and used by both the Update validator and the execution.
 */
export async function takePayment(input: TakePaymentInput): Promise<Payment> {
  const process = new PaymentProcess(input);

  // ---- Handlers ----
  setHandler(paymentQuery, () => process.payment);
  setHandler(providerEventSignal, (signal) => process.receiveProviderEvent(signal));
  setHandler(payerReturnSignal, (payerReturn) => process.receivePayerReturn(payerReturn));
  setHandler(providerStateKnownUpdate, () => process.providerAnswer());
  setHandler(retryUpdate, (request) => process.attempts.request(request), { validator: (_request) => process.attempts.refuseRetry() });
  // Each command: the validator and the execution judge it by the same rule.
  setHandler(captureUpdate, (request) => process.command(captureCommand(request)), { validator: (request) => process.validate(captureCommand(request)) });
  setHandler(cancelUpdate, (request) => process.command(cancelCommand(request)), { validator: (request) => process.validate(cancelCommand(request)) });
  setHandler(markReceivedUpdate, (request) => process.command(markReceivedCommand(request)), { validator: (request) => process.validate(markReceivedCommand(request)) });

  // ---- Main logic ----
  await process.open();
  for (;;) {
    await process.followToFinalStatus();
    const pending = await process.attempts.next();
    if (pending) {
      // A refused claim means another run or a sync moved the payment on: nothing here is current any more.
      if (!(await process.attempts.make(pending))) return process.payment;
      continue;
    }
    // A run started for a retry that never came has nothing to tell anyone.
    if (input.resume && process.attempts.madeInRun === 0) return process.payment;
    // Only once the payment is done: no email while an automatic retry is still scheduled.
    // Histories recorded before emails existed replay without them.
    if (process.recorder.changes.has('payment-emails')) await emailOutcome(process.payment, process.receiptContact);
    await process.drainBeforeClose();
    // A retry accepted while the email went out still gets its attempt.
    if (!process.attempts.pending) return process.payment;
  }
}

function captureCommand(request: CaptureRequest): PaymentCommand {
  return { kind: 'capture', amount: request.amountToCapture, actor: request.actor, source: 'api' };
}

function cancelCommand(request: CancelRequest): PaymentCommand {
  return { kind: 'cancel', actor: request.actor, reason: request.reason, source: 'api' };
}

function markReceivedCommand(request: MarkReceivedRequest): PaymentCommand {
  return { kind: 'mark_received', amount: request.receivedAmount, reference: request.reference, actor: request.actor, source: 'api' };
}
