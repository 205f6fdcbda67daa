import type { Knex } from 'knex';
import type { Database } from '../platform/database';

type Row = Record<string, unknown>;

/**
 * One page of a table, newest first, with a keyset cursor on (timeColumn, id) so pages never skip or repeat a row.
 * `where` holds the equality filters that are set; null when starting_after names no row.
 */
export async function newestFirstPage(
  db: Database,
  table: string,
  options: {
    timeColumn: string;
    where: Record<string, string | undefined>;
    /** Inclusive bounds that are set: [column, '>=' | '<=', value]. */
    bounds?: Array<[string, '>=' | '<=', string | number | undefined]>;
    limit: number;
    startingAfter?: string;
    contains?: Record<string, object | undefined>;
    whereNull?: string[];
    /** Further conditions on the page's rows (not on the cursor's look-up). */
    narrow?: (query: Knex.QueryBuilder) => void;
  },
): Promise<{ rows: Row[]; has_more: boolean } | null> {
  const { timeColumn, limit, startingAfter } = options;
  const query: Knex.QueryBuilder = db(table).orderBy([{ column: timeColumn, order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1);
  for (const [column, value] of Object.entries(options.where)) if (value !== undefined) query.where(column, value);
  // jsonb containment (a GIN index answers it): metadata @> '{"building_id": "b7"}'.
  for (const [column, value] of Object.entries(options.contains ?? {})) if (value !== undefined) query.whereRaw('?? @> ?::jsonb', [column, JSON.stringify(value)]);
  for (const column of options.whereNull ?? []) query.whereNull(column);
  options.narrow?.(query);
  for (const [column, operator, value] of options.bounds ?? []) if (value !== undefined) query.where(column, operator, value);
  if (startingAfter) {
    const cursor = await db(table).where({ id: startingAfter }).first(timeColumn, 'id');
    if (!cursor) return null;
    query.whereRaw(`(??, id) < (?, ?)`, [timeColumn, cursor[timeColumn], cursor.id]);
  }
  const rows: Row[] = await query;
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}
