import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Payment, PaymentEvent } from '../domain/payment';
import { isTerminal } from '../domain/payment-status';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { activityDuration, paymentOutcomes, webhookApplyLag } from '../platform/metrics';

interface SavePaymentInput {
  payment: Payment;
  events: PaymentEvent[];
  processedWebhookEventIds?: number[];
}

/** Counts a payment (attempt) that this write moved to a final status. */
function countOutcome(input: SavePaymentInput): void {
  const final = input.events.find((event) => event.to_status && event.from_status !== event.to_status && isTerminal(event.to_status));
  if (!final) return;
  const { payment } = input;
  paymentOutcomes.inc({
    provider: payment.provider, method: payment.payment_method_type ?? 'unknown', status: final.to_status!, failure_code: payment.failure_code ?? '',
  });
}

/** Off the activity's path: the lag is read after the write that stamped processed_at has committed. */
function observeApplyLag(db: Database, log: Logger | undefined, ids: number[]): void {
  db('webhook_events')
    .whereIn('id', ids)
    .whereNotNull('processed_at')
    .select('provider', db.raw('extract(epoch from (processed_at - received_at)) as lag'))
    .then((rows: Array<{ provider: string; lag: string | number }>) => rows.forEach((row) => webhookApplyLag.observe({ provider: row.provider }, Number(row.lag))))
    .catch((error: unknown) => log?.debug({ err: error }, 'webhook lag not measured'));
}

/**
 * Times every activity (local ones too) and, from the payment writes, counts outcomes and webhook application lag.
 * An interceptor rather than code in each activity: the activities stay about payments.
 */
export function activityMetrics(db: Database, log?: Logger): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = process.hrtime.bigint();
        const labels = { activity: ctx.info.activityType, kind: ctx.info.isLocal ? 'local' : 'regular' };
        try {
          const result = await next(input);
          activityDuration.observe({ ...labels, outcome: 'completed' }, Number(process.hrtime.bigint() - started) / 1e9);
          if (ctx.info.activityType === 'savePayment') {
            const save = input.args[0] as SavePaymentInput;
            countOutcome(save);
            if (save.processedWebhookEventIds?.length) observeApplyLag(db, log, save.processedWebhookEventIds);
          }
          return result;
        } catch (error) {
          activityDuration.observe({ ...labels, outcome: 'failed' }, Number(process.hrtime.bigint() - started) / 1e9);
          throw error;
        }
      },
    },
  });
}
