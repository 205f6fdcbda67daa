import type { Database } from '../platform/database';
import type { ProviderRegistry } from '../providers/registry';
import { createAlertActivities } from './alert-activities';
import { createDisputeActivities } from './dispute-activities';
import { createEmailActivities, type Mailer } from './email-activities';
import { createErasureActivities } from './erasure-activities';
import { createPaymentActivities } from './payment-activities';
import { createReconcileActivities } from './reconcile-activities';
import { createRefundActivities } from './refund-activities';
import { createRetentionActivities } from './retention-activities';
import { createRiskActivities } from './risk-activities';
import type { AutoPauseSettings } from '../domain/risk';
import { createSyncActivities } from './sync-activities';
import { createVaultActivities } from './vault-activities';
import { createWebhookDeliveryActivities, type WebhookTargets } from './webhook-delivery-activities';

export interface ActivityDependencies {
  db: Database;
  providers: ProviderRegistry;
  mailer: Mailer;
  mailFrom: string;
  /** Who gets operator alerts (ADMIN_EMAILS). */
  adminEmails?: string[];
  /** Automatic pause thresholds (RISK_AUTO_PAUSE_*); absent: off. */
  autoPause?: AutoPauseSettings;
  /** The local mail sink's folder (`npm start`), whose .eml copies customer erasure deletes. */
  mailSinkDir?: string;
  /** Where merchant webhooks may be delivered (MERCHANT_WEBHOOK_TARGETS); absent: public addresses only. */
  webhookTargets?: WebhookTargets;
}

const NO_AUTO_PAUSE: AutoPauseSettings = { rejectedWebhooks: 0, blockedAttempts: 0, windowMinutes: 10 };

/** Every activity the worker registers, built from the clients it is given. */
export function createActivities({ db, providers, mailer, mailFrom, adminEmails = [], autoPause = NO_AUTO_PAUSE, mailSinkDir, webhookTargets }: ActivityDependencies) {
  const email = createEmailActivities({ db, mailer, from: mailFrom });
  const alerts = createAlertActivities({ db, adminEmails, sendEmail: email.sendEmail });
  return {
    ...createPaymentActivities({ db, providers }),
    ...createRefundActivities({ db, providers }),
    ...createVaultActivities({ db, providers }),
    ...email,
    ...createSyncActivities({ db, providers, raiseAlert: alerts.raiseAlert }),
    ...createDisputeActivities({ db, providers }),
    ...alerts,
    ...createWebhookDeliveryActivities({ db, targets: webhookTargets }),
    ...createRiskActivities({ db, providers, raiseAlert: alerts.raiseAlert, autoPause }),
    ...createReconcileActivities({ db, providers }),
    ...createRetentionActivities({ db }),
    ...createErasureActivities({ db, mailSinkDir }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
