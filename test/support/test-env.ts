import type { ChildProcess } from 'node:child_process';

/** Where the global setup leaves the shared services for the test files. */
export const TEST_ENV_KEYS = {
  databaseUrl: 'DURAPAY_TEST_DATABASE_URL',
  temporalAddress: 'DURAPAY_TEST_TEMPORAL_ADDRESS',
  workflowBundle: 'DURAPAY_TEST_WORKFLOW_BUNDLE',
  stripeMockUrl: 'DURAPAY_TEST_STRIPE_MOCK_URL',
  temporalCli: 'DURAPAY_TEST_TEMPORAL_CLI',
} as const;

export interface TestServices {
  workDir: string;
  postgres?: { url: string; stop(): Promise<void> };
  temporal?: { address: string; stop(): Promise<void> };
  stripeMock?: ChildProcess;
}

export function testEnv() {
  const read = (key: string) => {
    const value = process.env[key];
    if (!value) throw new Error(`${key} is unset: run the tests through jest so the global setup starts the services.`);
    return value;
  };
  return {
    databaseUrl: read(TEST_ENV_KEYS.databaseUrl),
    temporalAddress: read(TEST_ENV_KEYS.temporalAddress),
    workflowBundle: read(TEST_ENV_KEYS.workflowBundle),
    stripeMockUrl: read(TEST_ENV_KEYS.stripeMockUrl),
  };
}
