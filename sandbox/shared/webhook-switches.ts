/** Test switches that make webhook delivery misbehave the ways real delivery can. */
export interface WebhookSwitches {
  /** false: events are still recorded but never delivered (lost). */
  deliver: boolean;
  /** Wait this long before each delivery attempt. */
  delay_ms: number;
  /** Deliver every event twice. */
  duplicate: boolean;
  /** Deliver the events of one operation in reverse order (Stripe only: a PayPal operation makes one event). */
  reorder?: boolean;
  /** Drop (never deliver) the next N events. */
  drop_next: number;
}

/**
 * Validates a JSON patch from POST /_sandbox/webhooks; returns a message for the first bad field.
 * A switch exists when `current` has it, and takes values of the type it already has.
 */
export function applySwitchPatch<S extends WebhookSwitches>(current: S, patch: unknown, unknownHint?: string): S | string {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'body must be a JSON object';
  const next = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    // An object's keys are unique, so next[key] still holds the current value here.
    const kind = Object.hasOwn(current, key) ? typeof next[key] : 'unknown';
    if (kind === 'boolean') {
      if (typeof value !== 'boolean') return `${key} must be a boolean`;
    } else if (kind === 'number') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return `${key} must be a non-negative integer`;
    } else {
      return unknownHint ? `unknown switch: ${key} (${unknownHint})` : `unknown switch: ${key}`;
    }
    next[key] = value;
  }
  return next as S;
}
