import { invalidRequest } from './errors';
import { parseMoney } from './money';
import type { OrderRecord, PurchaseUnitRecord } from './types';

/** What a valid POST /v2/checkout/orders body says, checked with PayPal's issue codes. */
export type OrderRequest = Pick<OrderRecord, 'intent' | 'purchase_unit' | 'flow' | 'return_url' | 'cancel_url' | 'brand_name'>;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const missing = (field: string) => invalidRequest({ field, issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' });

function optionalString(source: Json, key: string, field: string, maxLength: number): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw invalidRequest({ field, issue: 'INVALID_PARAMETER_SYNTAX', description: 'The value of a field does not conform to the expected format.' });
  }
  if (value.length < 1 || value.length > maxLength) {
    throw invalidRequest({ field, value, issue: 'INVALID_STRING_LENGTH', description: `The value of a field is either too short or too long (1 to ${maxLength}).` });
  }
  return value;
}

function optionalUrl(source: Json, key: string, field: string): string | null {
  const value = optionalString(source, key, field, 4000);
  if (value === undefined) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw invalidRequest({ field, value, issue: 'INVALID_PARAMETER_SYNTAX', description: 'The value of a field does not conform to the expected format.' });
  }
  return value;
}

function purchaseUnit(input: unknown): PurchaseUnitRecord {
  if (!isObject(input)) throw missing('/purchase_units/0');
  const unit: PurchaseUnitRecord = {
    reference_id: optionalString(input, 'reference_id', '/purchase_units/0/reference_id', 256) ?? 'default',
    amount: parseMoney(input.amount, '/purchase_units/0/amount'),
  };
  const custom = optionalString(input, 'custom_id', '/purchase_units/0/custom_id', 127);
  const invoice = optionalString(input, 'invoice_id', '/purchase_units/0/invoice_id', 127);
  const description = optionalString(input, 'description', '/purchase_units/0/description', 127);
  const softDescriptor = optionalString(input, 'soft_descriptor', '/purchase_units/0/soft_descriptor', 22);
  if (custom !== undefined) unit.custom_id = custom;
  if (invoice !== undefined) unit.invoice_id = invoice;
  if (description !== undefined) unit.description = description;
  if (softDescriptor !== undefined) unit.soft_descriptor = softDescriptor;
  return unit;
}

export function parseOrderRequest(body: unknown): OrderRequest {
  if (!isObject(body)) throw missing('/');
  if (body.intent === undefined) throw missing('/intent');
  if (body.intent !== 'CAPTURE') {
    throw invalidRequest({
      field: '/intent',
      value: String(body.intent),
      issue: 'INVALID_PARAMETER_VALUE',
      description: 'The Durapay PayPal sandbox supports intent CAPTURE only (PayPal also has AUTHORIZE).',
    });
  }
  const units = body.purchase_units;
  if (!Array.isArray(units) || units.length === 0) throw missing('/purchase_units');
  if (units.length > 1) {
    throw invalidRequest({ field: '/purchase_units', issue: 'INVALID_ARRAY_MAX_ITEMS', description: 'The Durapay PayPal sandbox takes one purchase unit per order.' });
  }
  const paypal = isObject(body.payment_source) && isObject(body.payment_source.paypal) ? body.payment_source.paypal : null;
  const experience = paypal && isObject(paypal.experience_context) ? paypal.experience_context : null;
  const application = isObject(body.application_context) ? body.application_context : null;
  // payment_source.paypal.experience_context is the current API; application_context the deprecated one.
  const [context, prefix] = experience
    ? [experience, '/payment_source/paypal/experience_context']
    : [application ?? {}, '/application_context'];
  return {
    intent: 'CAPTURE',
    purchase_unit: purchaseUnit(units[0]),
    flow: paypal ? 'payment_source' : 'application_context',
    return_url: optionalUrl(context, 'return_url', `${prefix}/return_url`),
    cancel_url: optionalUrl(context, 'cancel_url', `${prefix}/cancel_url`),
    brand_name: optionalString(context, 'brand_name', `${prefix}/brand_name`, 127) ?? null,
  };
}
