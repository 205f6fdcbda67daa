import { createPaymentActivities, type PaymentActivityDependencies } from './payment-activities';

export type ActivityDependencies = PaymentActivityDependencies;

/** Every activity the worker registers, built from the clients it is given. */
export function createActivities(dependencies: ActivityDependencies) {
  return { ...createPaymentActivities(dependencies) };
}

export type Activities = ReturnType<typeof createActivities>;
