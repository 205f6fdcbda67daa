/** Test switches that make webhook delivery misbehave the ways real delivery can. */
export interface WebhookSwitches {
  /** false: events are still recorded but never delivered (lost). */
  deliver: boolean;
  /** Wait this long before each delivery attempt. */
  delay_ms: number;
  /** Deliver every event twice. */
  duplicate: boolean;
  /** Drop (never deliver) the next N events. */
  drop_next: number;
}

export function defaultSwitches(): WebhookSwitches {
  return { deliver: true, delay_ms: 0, duplicate: false, drop_next: 0 };
}

/** Validates a JSON patch from POST /_sandbox/webhooks; returns a message for the first bad field. */
export function applySwitchPatch(current: WebhookSwitches, patch: unknown): WebhookSwitches | string {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'body must be a JSON object';
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'deliver' || key === 'duplicate') {
      if (typeof value !== 'boolean') return `${key} must be a boolean`;
      next[key] = value;
    } else if (key === 'delay_ms' || key === 'drop_next') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return `${key} must be a non-negative integer`;
      next[key] = value;
    } else {
      return `unknown switch: ${key} (PayPal sandbox switches: deliver, delay_ms, duplicate, drop_next)`;
    }
  }
  return next;
}
