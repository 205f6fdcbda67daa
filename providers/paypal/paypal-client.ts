import { Client, Environment, OrdersController, PaymentsController } from '@paypal/paypal-server-sdk';

type RequestBuilderFactory = ReturnType<Client['getRequestBuilderFactory']>;

export interface PayPalClientSettings {
  clientId: string;
  clientSecret: string;
  mode: 'sandbox' | 'live';
  /** Another host for the PayPal API: the local sandbox. Unset against PayPal itself. */
  apiBase?: string;
}

/** The SDK's controllers Durapay uses, sharing one client (and so one cached OAuth token). */
export interface PayPalApi {
  orders: OrdersController;
  payments: PaymentsController;
}

/** Moves an SDK-built URL (always https://api-m[.sandbox].paypal.com/...) onto `apiBase`, keeping path and query. */
export function rebaseUrl(url: string, apiBase: string): string {
  const parsed = new URL(url);
  return `${apiBase.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
}

/**
 * The SDK builds every URL from a fixed table (Production/Sandbox) and has no base-URL option.
 * Every controller, the OAuth token request included, gets its request builders from
 * getRequestBuilderFactory(), and a request builder accepts request interceptors: this subclass
 * adds one that swaps the origin for the local sandbox's. Only used when apiBase is set.
 */
export class LocalSandboxClient extends Client {
  private readonly apiBase: string;

  constructor(config: ConstructorParameters<typeof Client>[0], apiBase: string) {
    super(config);
    this.apiBase = apiBase;
  }

  override getRequestBuilderFactory(): RequestBuilderFactory {
    const factory = super.getRequestBuilderFactory();
    // Called by Client's own constructor (for the OAuth controller) before this.apiBase is set: read it per request.
    return (method, path) => {
      const builder = factory(method, path);
      builder.interceptRequest((request) => ({ ...request, url: rebaseUrl(request.url, this.apiBase) }));
      return builder;
    };
  }
}

export function createPayPalClient({ clientId, clientSecret, mode, apiBase }: PayPalClientSettings): Client {
  const config = {
    clientCredentialsAuthCredentials: { oAuthClientId: clientId, oAuthClientSecret: clientSecret },
    environment: mode === 'live' && !apiBase ? Environment.Production : Environment.Sandbox,
    timeout: 20_000,
    // GETs are retried on 5xx/429 by the SDK; POSTs are retried by Temporal with the same PayPal-Request-Id.
    httpClientOptions: { retryConfig: { maxNumberOfRetries: 2 } },
  };
  return apiBase ? new LocalSandboxClient(config, apiBase) : new Client(config);
}

export function createPayPalApi(client: Client): PayPalApi {
  return { orders: new OrdersController(client), payments: new PaymentsController(client) };
}
