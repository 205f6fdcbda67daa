import { invalidRequest, parameterMissing } from './errors';
import type { Metadata } from './types';

/** Parsed form/query params: qs turns bracket keys into nested objects and arrays. */
export type Params = Record<string, unknown>;

/** Rejects params this endpoint does not know, as Stripe does (catches typos in callers). */
export function rejectUnknownParams(params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !allowed.includes(key)) {
      throw invalidRequest(`Received unknown parameter: ${key}`, 'parameter_unknown', key);
    }
  }
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${name}`, 'parameter_invalid_string', name);
  return value;
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw parameterMissing(name);
  return value;
}

/** Stripe sends integers as strings; anything that isn't a whole number is refused. */
export function optionalInteger(params: Params, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text.trim())) {
    throw invalidRequest(`Invalid integer: ${String(raw)}`, 'parameter_invalid_integer', name);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || (opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
    const bounds = [opts.min !== undefined ? `>= ${opts.min}` : '', opts.max !== undefined ? `<= ${opts.max}` : ''].filter(Boolean);
    throw invalidRequest(`Invalid integer: ${text} (must be ${bounds.join(' and ')})`, 'parameter_invalid_integer', name);
  }
  return value;
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${String(raw)}`, 'parameter_invalid_boolean', name);
}

export function optionalEnum<T extends string>(params: Params, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${name}: must be one of ${values.join(', ')}`, undefined, name);
  }
  return value as T;
}

export function optionalStringArray(params: Params, name: string): string[] | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null ? Object.values(raw) : [raw];
  if (!list.every((item): item is string => typeof item === 'string')) {
    throw invalidRequest(`Invalid array: ${name}`, 'parameter_invalid_array', name);
  }
  return list;
}

export function requiredCurrency(params: Params): string {
  const currency = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, undefined, 'currency');
  return currency;
}

/**
 * Applies Stripe metadata semantics: keys merge into `current`, an empty value unsets a key,
 * and `metadata=''` clears everything.
 */
export function mergeMetadata(current: Metadata, params: Params): Metadata {
  const raw = params.metadata;
  if (raw === undefined) return current;
  if (raw === '') return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidRequest('Invalid object', 'parameter_invalid_object', 'metadata');
  }
  const next: Metadata = { ...current };
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidRequest(`Invalid value for metadata[${key}]: must be a string`, 'parameter_invalid_string', `metadata[${key}]`);
    }
    if (key.length > 40 || String(value).length > 500) {
      throw invalidRequest(`Metadata key ${key} is too long`, undefined, `metadata[${key}]`);
    }
    if (value === '') delete next[key];
    else next[key] = String(value);
  }
  if (Object.keys(next).length > 50) throw invalidRequest('Metadata can have at most 50 keys', undefined, 'metadata');
  return next;
}

/** `expand[]` names asked for, e.g. ['latest_charge']. */
export function expandList(params: Params): string[] {
  return optionalStringArray(params, 'expand') ?? [];
}
