import fs from 'node:fs';
import type { TestServices } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __durapayServices?: TestServices }).__durapayServices;
  if (!services) return;
  services.stripeMock?.kill('SIGKILL');
  await services.temporal?.stop().catch(() => undefined);
  await services.postgres?.stop().catch(() => undefined);
  fs.rmSync(services.workDir, { recursive: true, force: true });
}
