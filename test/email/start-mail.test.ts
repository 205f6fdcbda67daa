import { loadConfig } from '../../platform/config';
import { childEnvironment, formatBanner, LOCAL_ADMIN_EMAIL, type Resolved } from '../../scripts/start';

const resolved: Resolved = {
  databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5433/durapay',
  embeddedPostgresPort: 5433,
  temporalAddress: '127.0.0.1:7233',
  temporalUiUrl: 'http://127.0.0.1:8233',
  sandboxUrl: 'http://127.0.0.1:12112',
  secrets: { adminKey: 'dp_admin_aaaaaaaaaaaaaaaa', merchantKey: 'dp_merchant_bbbbbbbbbbbbbbbb', stripeWebhookSecret: 'whsec_cccc', generated: [] },
};
const withSink: Resolved = { ...resolved, mailSink: { url: 'smtp://127.0.0.1:2626', port: 2626, mailDir: '/srv/durapay/mail' } };

describe('the supervisor and mail', () => {
  it('points the children at the local sink and gives admin mail a local address', () => {
    const config = loadConfig({ DATA_DIR: '/srv/durapay' });
    const env = childEnvironment(config, withSink, { ADMIN_EMAILS: '' });
    expect(env).toMatchObject({ SMTP_URL: 'smtp://127.0.0.1:2626', ADMIN_EMAILS: LOCAL_ADMIN_EMAIL });
  });

  it('keeps configured admin addresses and a configured SMTP server', () => {
    const config = loadConfig({ SMTP_URL: 'smtp://mail.example.com:587', ADMIN_EMAILS: 'ops@example.com, cfo@example.com' });
    const env = childEnvironment(config, resolved, {});
    expect(env).toMatchObject({ SMTP_URL: 'smtp://mail.example.com:587', ADMIN_EMAILS: 'ops@example.com,cfo@example.com' });
  });

  it('invents no admin address for real mail', () => {
    const config = loadConfig({ SMTP_URL: 'smtp://mail.example.com:587' });
    expect(childEnvironment(config, resolved, {})).not.toHaveProperty('ADMIN_EMAILS');
  });

  it('prints the mail folder in the banner', () => {
    const config = loadConfig({ DATA_DIR: '/srv/durapay' });
    expect(formatBanner(config, withSink, 1)).toContain('/srv/durapay/mail');
    expect(formatBanner(loadConfig({ SMTP_URL: 'smtp://u:secret@mail.example.com' }), resolved, 1)).not.toContain('secret');
  });
});
