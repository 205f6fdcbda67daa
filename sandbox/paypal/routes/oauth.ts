import Router from '@koa/router';
import { basicCredentials, issueAccessToken, sameSecret, TOKEN_LIFETIME_SECONDS } from '../access-tokens';
import type { PayPalSandboxCore } from '../core';
import type { RequestState } from '../http-state';
import { newDebugId } from '../ids';

/** POST /v1/oauth2/token: client credentials (Basic auth) for a Bearer token, answered in OAuth's own error shape. */
export function oauthRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  router.post('/v1/oauth2/token', (ctx) => {
    const credentials = basicCredentials(ctx.get('Authorization'));
    if (!credentials || !sameSecret(credentials.id, core.clientId) || !sameSecret(credentials.secret, core.clientSecret)) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'Client Authentication failed' };
      return;
    }
    const grantType = (ctx.state.body as Record<string, unknown> | undefined)?.grant_type;
    if (grantType !== 'client_credentials') {
      ctx.status = 400;
      ctx.body = { error: 'unsupported_grant_type', error_description: grantType ? `Grant Type ${String(grantType)} is not supported` : 'Grant Type is NULL' };
      return;
    }
    ctx.body = {
      scope: 'https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund',
      access_token: issueAccessToken(core.clientSecret),
      token_type: 'Bearer',
      app_id: 'APP-DURAPAYSANDBOX',
      expires_in: TOKEN_LIFETIME_SECONDS,
      nonce: `${new Date().toISOString()}${newDebugId()}`,
    };
  });
  return router;
}
