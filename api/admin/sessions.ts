import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../platform/database';
import { newId } from '../ids';

/** The outcome of the last form, shown once on the next page. */
export interface Flash {
  kind: 'success' | 'error';
  message: string;
}

export interface AdminSession {
  id: string;
  csrfToken: string;
  principalId: string;
  expiresAt: Date;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The only module that writes admin_sessions. */
export class AdminSessionStore {
  constructor(
    private readonly db: Database,
    private readonly lifetimeSeconds: number,
  ) {}

  /** A new session for a verified admin key; the returned token goes in the cookie and nowhere else. */
  async create(principalId: string): Promise<{ token: string; session: AdminSession }> {
    // Expired sessions go here rather than on a timer: signing in is rare, and nothing else reads them.
    await this.db('admin_sessions').where('expires_at', '<', this.db.fn.now()).delete();
    const token = randomBytes(32).toString('base64url');
    const session: AdminSession = {
      id: newId('ses'), csrfToken: randomBytes(32).toString('base64url'), principalId,
      expiresAt: new Date(Date.now() + this.lifetimeSeconds * 1000),
    };
    await this.db('admin_sessions').insert({
      id: session.id, token_hash: hashToken(token), csrf_token: session.csrfToken, principal_id: principalId, expires_at: session.expiresAt,
    });
    return { token, session };
  }

  /** The live session a cookie's token names, or null (unknown, expired, signed out). */
  async find(token: string): Promise<AdminSession | null> {
    const row = await this.db('admin_sessions').where({ token_hash: hashToken(token) }).where('expires_at', '>', this.db.fn.now()).first();
    return row ? { id: row.id, csrfToken: row.csrf_token, principalId: row.principal_id, expiresAt: new Date(row.expires_at) } : null;
  }

  async delete(sessionId: string): Promise<void> {
    await this.db('admin_sessions').where({ id: sessionId }).delete();
  }

  async setFlash(sessionId: string, flash: Flash): Promise<void> {
    await this.db('admin_sessions').where({ id: sessionId }).update({ flash: JSON.stringify(flash) });
  }

  /** Reads and clears the flash in one statement, so it shows exactly once. */
  async takeFlash(sessionId: string): Promise<Flash | null> {
    const rows = await this.db.raw(
      `update admin_sessions s set flash = null from (select id, flash from admin_sessions where id = ? and flash is not null for update) old
       where s.id = old.id returning old.flash`,
      [sessionId],
    );
    return (rows.rows[0]?.flash as Flash | undefined) ?? null;
  }
}
