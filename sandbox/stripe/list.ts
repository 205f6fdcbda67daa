import { invalidRequest, resourceMissing } from './errors';
import { optionalInteger, optionalString, type Params } from './params';

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

type Listable = { id: string; created: number };

/** created=123 or created[gt|gte|lt|lte]=123, as Stripe list endpoints take it. */
export function createdMatcher(params: Params): (created: number) => boolean {
  const raw = params.created;
  if (raw === undefined) return () => true;
  if (typeof raw === 'string') {
    const exact = optionalInteger(params, 'created');
    return (created) => created === exact;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidRequest('Invalid created filter', 'parameter_invalid_integer', 'created');
  }
  const bounds = raw as Params;
  for (const key of Object.keys(bounds)) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(key)) throw invalidRequest(`Received unknown parameter: created[${key}]`, 'parameter_unknown', `created[${key}]`);
  }
  const gt = optionalInteger(bounds, 'gt');
  const gte = optionalInteger(bounds, 'gte');
  const lt = optionalInteger(bounds, 'lt');
  const lte = optionalInteger(bounds, 'lte');
  return (created) =>
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte);
}

/**
 * Newest first, with Stripe's cursors: starting_after pages towards older objects,
 * ending_before towards newer ones. `items` is in creation order (oldest first).
 */
export function paginate<T extends Listable>(
  items: Iterable<T>,
  params: Params,
  url: string,
  kind: string,
  matches: (item: T) => boolean = () => true,
): ListResponse<T> {
  const limit = optionalInteger(params, 'limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: starting_after, ending_before.', 'parameters_exclusive', 'ending_before');
  }
  const createdOk = createdMatcher(params);
  const keep = (item: T): boolean => createdOk(item.created) && matches(item);
  const newestFirst = [...items].reverse();
  const cursorIndex = (cursor: string, param: string): number => {
    const index = newestFirst.findIndex((item) => item.id === cursor);
    if (index < 0) throw resourceMissing(kind, cursor, param);
    return index;
  };
  if (endingBefore) {
    const newer = newestFirst.slice(0, cursorIndex(endingBefore, 'ending_before')).filter(keep);
    return { object: 'list', data: newer.slice(Math.max(0, newer.length - limit)), has_more: newer.length > limit, url };
  }
  const start = startingAfter ? cursorIndex(startingAfter, 'starting_after') + 1 : 0;
  const older = newestFirst.slice(start).filter(keep);
  return { object: 'list', data: older.slice(0, limit), has_more: older.length > limit, url };
}
