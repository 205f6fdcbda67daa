import type { Database } from '../platform/database';
import type { ProviderRegistry } from '../providers/registry';
import { createEmailActivities, type Mailer } from './email-activities';
import { createPaymentActivities } from './payment-activities';
import { createRefundActivities } from './refund-activities';
import { createVaultActivities } from './vault-activities';

export interface ActivityDependencies {
  db: Database;
  providers: ProviderRegistry;
  mailer: Mailer;
  mailFrom: string;
}

/** Every activity the worker registers, built from the clients it is given. */
export function createActivities({ db, providers, mailer, mailFrom }: ActivityDependencies) {
  return {
    ...createPaymentActivities({ db, providers }),
    ...createRefundActivities({ db, providers }),
    ...createVaultActivities({ db, providers }),
    ...createEmailActivities({ db, mailer, from: mailFrom }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
