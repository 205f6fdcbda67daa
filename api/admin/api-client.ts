import type http from 'node:http';
import inject, { type Response as InjectedResponse } from 'light-my-request';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

export interface ApiErrorBody {
  error: { type: string; code: string; message: string; param?: string };
}

/**
 * The console's only way to read or change anything: a request to the API's own routes, made in process (no socket),
 * so it meets the same authentication, validation, idempotency, business rules and error format as any API client.
 * `authorization` is the signed-in admin's credential as the API takes it; it never leaves the server.
 */
export class InProcessApi {
  private listener?: http.RequestListener;

  constructor(
    private readonly callback: () => http.RequestListener,
    private readonly authorization: () => string | null,
    /** The browser's address, so the API's per-address rate limits count each admin's browser, not the console. */
    private readonly clientIp = '127.0.0.1',
  ) {}

  /** The same API, on behalf of one browser. */
  forClient(clientIp: string): InProcessApi {
    const scoped = new InProcessApi(this.callback, this.authorization, clientIp);
    scoped.listener = this.listener ??= this.callback();
    return scoped;
  }

  async request<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: unknown; idempotencyKey?: string; query?: Record<string, string | undefined>; authorization?: string } = {},
  ): Promise<ApiAnswer<T>> {
    const response = await this.send(method, path, options);
    return { status: response.statusCode, body: response.payload ? (JSON.parse(response.payload) as T) : (null as T) };
  }

  /** A file the API serves (CSV): its bytes and the headers that name it. */
  async download(path: string, query: Record<string, string | undefined>): Promise<{ status: number; type: string; disposition: string | null; payload: string }> {
    const response = await this.send('GET', path, { query });
    const header = (name: string) => (typeof response.headers[name] === 'string' ? (response.headers[name] as string) : null);
    return { status: response.statusCode, type: header('content-type') ?? 'application/octet-stream', disposition: header('content-disposition'), payload: response.payload };
  }

  private send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: unknown; idempotencyKey?: string; query?: Record<string, string | undefined>; authorization?: string },
  ): Promise<InjectedResponse> {
    this.listener ??= this.callback();
    const authorization = options.authorization ?? this.authorization();
    const query = Object.fromEntries(Object.entries(options.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
    return inject(this.listener, {
      method, url: { pathname: path, query }, remoteAddress: this.clientIp,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        'user-agent': 'durapay-admin-console',
      },
      payload: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  }

  /** GET that must succeed: anything else is an error the page shows. */
  async read<T = any>(path: string, query?: Record<string, string | undefined>): Promise<T> {
    const answer = await this.request<T>('GET', path, { query });
    if (answer.status !== 200) throw new ApiCallError(answer.status, answer.body as ApiErrorBody);
    return answer.body;
  }
}

/** An API answer other than success, carried to the page that shows its message. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
  ) {
    super(body?.error?.message ?? `The API answered ${status}.`);
    this.name = 'ApiCallError';
  }
}
