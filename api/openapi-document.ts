import { z } from 'zod';

/*
 * Finishing touches on the generated OpenAPI document, so it says exactly what the API accepts and how its
 * operations chain (schemathesis's stateful phase follows the links).
 */

type Json = Record<string, any>;

/** No text field accepts NUL (PostgreSQL can't store it; the edge refuses it with 400). */
const NO_NUL = '^[^\\u0000]*$';

/** zod's own grammars for the formats it checks. */
const FORMAT_PATTERNS: Record<string, string> = {
  ipv4: z.regexes.ipv4.source,
  ipv6: z.regexes.ipv6.source,
  // zod-to-openapi writes both z.ipv4() and z.ipv6() as format "ip" (not a JSON Schema format): either grammar.
  ip: `(${z.regexes.ipv4.source})|(${z.regexes.ipv6.source})`,
};

/** From an operation's answer to the operations that take the id it returns. Links whose ends are absent are skipped. */
const LINKS: Array<{ from: string; to: string[]; parameters: Record<string, string> }> = [
  {
    from: 'post /v1/payments',
    to: ['get /v1/payments/{id}', 'get /v1/payments/{id}/events', 'get /v1/payments/{id}/refunds', 'post /v1/payments/{id}/capture',
      'post /v1/payments/{id}/cancel', 'post /v1/payments/{id}/refunds', 'post /v1/payments/{id}/retry', 'put /v1/payments/{id}/succeeded'],
    parameters: { id: '$response.body#/id' },
  },
  {
    from: 'post /v1/payments/{id}/refunds',
    to: ['get /v1/refunds/{id}', 'get /v1/refunds/{id}/events', 'post /v1/refunds/{id}/approve', 'post /v1/refunds/{id}/deny',
      'post /v1/refunds/{id}/appeal', 'post /v1/refunds/{id}/alternative-method', 'post /v1/refunds/{id}/mark-sent'],
    parameters: { id: '$response.body#/id' },
  },
  {
    from: 'post /v1/customers',
    to: ['get /v1/customers/{id}/payment-methods', 'delete /v1/customers/{id}'],
    parameters: { id: '$response.body#/id' },
  },
  {
    from: 'post /v1/payment-methods',
    to: ['put /v1/payment-methods/{id}/set-default', 'put /v1/payment-methods/{id}/deactivate', 'delete /v1/payment-methods/{id}'],
    parameters: { id: '$response.body#/id' },
  },
  { from: 'post /v1/ephemeral-keys', to: ['delete /v1/ephemeral-keys/{id}'], parameters: { id: '$response.body#/id' } },
  { from: 'post /v1/admin/sync', to: ['get /v1/admin/syncs/{workflow_id}'], parameters: { workflow_id: '$response.body#/workflow_id' } },
];

/** PayPal's currencies, and those it takes in whole units only (ISO gives them cents). Checked by PayPal itself. */
const PAYPAL_CURRENCIES = ['aud', 'brl', 'cad', 'cny', 'czk', 'dkk', 'eur', 'hkd', 'huf', 'ils', 'jpy', 'myr', 'mxn', 'twd', 'nzd', 'nok', 'php',
  'pln', 'gbp', 'sgd', 'sek', 'chf', 'thb', 'usd'];

/** Rules across fields that zod can't put in the document: added as JSON Schema if/then to the named component. */
const CROSS_FIELD_RULES: Record<string, Json[]> = {
  ReviewPaymentRequest: [{ if: { required: ['decision'], properties: { decision: { const: 'block' } } }, then: { required: ['reason'] } }],
  CreatePaymentRequest: [
    // What pays: a token or saved method, the customer's default, PayPal, or an offline method.
    {
      anyOf: [
        { required: ['payment_method'], properties: { payment_method_type: { enum: ['card', 'sepa_debit'] }, provider: { const: 'stripe' } } },
        { required: ['use_default_payment_method', 'customer_id'], properties: { use_default_payment_method: { const: true }, provider: { const: 'stripe' } } },
        { required: ['provider'], properties: { provider: { const: 'paypal' } } },
        { required: ['payment_method_type'], properties: { payment_method_type: { const: 'paypal' }, provider: { const: 'paypal' } } },
        { required: ['payment_method_type'], properties: { payment_method_type: { enum: ['cash', 'bank_transfer'] } } },
      ],
    },
    // SEPA pays with a saved method only, and a saved method names its customer.
    { if: { required: ['payment_method_type'], properties: { payment_method_type: { const: 'sepa_debit' } } }, then: { properties: { payment_method: { pattern: '^dpm_' } } } },
    { if: { required: ['payment_method'], properties: { payment_method: { pattern: '^dpm_' } } }, then: { required: ['customer_id'] } },
    // PayPal pays when named as the provider or as the method type.
    ...[{ provider: { const: 'paypal' } }, { payment_method_type: { const: 'paypal' } }].flatMap((names) => {
      const field = Object.keys(names)[0];
      return [
        { if: { required: [field], properties: names }, then: { properties: { currency: { enum: PAYPAL_CURRENCIES } } } },
        {
          if: { required: [field, 'currency'], properties: { ...names, currency: { enum: ['huf', 'twd'] } } },
          then: { properties: { amount: { multipleOf: 100 } } },
        },
      ];
    }),
  ],
};

export function operationId(method: string, path: string): string {
  return `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_$/, '');
}

function forbidNul(schema: unknown): void {
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const s = node as Json;
    const isString = s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
    if (isString && s.pattern === undefined && s.format === undefined && s.enum === undefined && s.const === undefined) s.pattern = NO_NUL;
    // Formats are annotations in JSON Schema 2020-12: the pattern makes the address grammar binding.
    if (isString && s.pattern === undefined && FORMAT_PATTERNS[s.format]) s.pattern = FORMAT_PATTERNS[s.format];
    stack.push(...Object.values(s));
  }
}

/** Components reachable from request bodies and parameters. */
function requestComponents(document: Json): Set<string> {
  const found = new Set<string>();
  const stack: unknown[] = Object.values<Json>(document.paths ?? {}).flatMap((item) =>
    Object.values<Json>(item).flatMap((operation) => [operation.requestBody, operation.parameters]));
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!found.has(name)) {
        found.add(name);
        stack.push(document.components?.schemas?.[name]);
      }
    }
    stack.push(...Object.values(node as Json));
  }
  return found;
}

export function finishDocument(document: Json): Json {
  const operations = new Map<string, Json>();
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      operation.operationId ??= operationId(method, path);
      operations.set(`${method} ${path}`, operation);
    }
  }
  // Request side only: an error may quote what was refused.
  for (const operation of operations.values()) forbidNul([operation.requestBody, operation.parameters]);
  for (const name of requestComponents(document)) forbidNul(document.components.schemas[name]);
  for (const [name, rules] of Object.entries(CROSS_FIELD_RULES)) {
    const schema = document.components?.schemas?.[name];
    if (schema) schema.allOf = [...(schema.allOf ?? []), ...rules];
  }
  for (const link of LINKS) {
    const from = operations.get(link.from);
    const success = from && Object.keys(from.responses ?? {}).find((status) => /^2\d\d$/.test(status));
    if (!from || !success) continue;
    const response = from.responses[success];
    for (const target of link.to) {
      const to = operations.get(target);
      if (!to) continue;
      response.links ??= {};
      response.links[to.operationId] = { operationId: to.operationId, parameters: link.parameters };
    }
  }
  return document;
}
