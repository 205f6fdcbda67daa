import { DefaultLogger, Runtime } from '@temporalio/worker';

// Test output shows warnings and errors only; set DURAPAY_TEST_VERBOSE=1 for the SDK's info logs.
try {
  Runtime.install({ logger: new DefaultLogger(process.env.DURAPAY_TEST_VERBOSE ? 'INFO' : 'WARN') });
} catch {
  // Already installed in this process by an earlier test file.
}
