/**
 * `npm run bench:edge`: what the hardening costs, as ratios to same-run baselines.
 * - Rate limits: one authenticated GET through the real middleware chain over HTTP, with the PostgreSQL-backed
 *   limits (per IP and per key: two upserts) against the same route without them.
 * - Payload codec: AES-256-GCM encode + decode of every payload of a recorded card payment's history
 *   (test/fixtures/histories/take-payment-succeeded.json) against the same payloads' protobuf round trip alone.
 * - Codec endpoint: POST /codec/decode of that history's payloads (encrypted) over HTTP with an admin key, against
 *   the authenticated GET above without limits (api/codec-endpoint.ts).
 * Starts a throwaway embedded PostgreSQL; prints a Markdown table.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Router from '@koa/router';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import Koa from 'koa';
import { z } from 'zod';
import { codecEndpoint } from '../api/codec-endpoint';
import { errorHandler } from '../api/errors';
import { authenticate } from '../api/middleware/auth';
import { createRateLimits } from '../api/middleware/rate-limit';
import { RouteTable } from '../api/route';
import { migrateToLatest } from '../db/migrate';
import { connectDatabase } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { EncryptionCodec, generateCodecKey, parseCodecKeys } from '../platform/payload-codec';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const PAYMENTS = Number(process.env.BENCH_CODEC_PAYMENTS ?? 2000);
const KEY = 'dp_merchant_bench_key_0123456789';

async function serve(db: ReturnType<typeof connectDatabase>, limited: boolean): Promise<{ url: string; close(): void }> {
  const app = new Koa();
  const router = new Router();
  const limits = limited
    ? createRateLimits(db, { windowSeconds: 60, readsPerKey: 10_000_000, writesPerKey: 1, paymentCreationPerKey: 1, perIp: 10_000_000, webhooksPerIp: 1 }, createLogger('bench', 'silent'))
    : undefined;
  const routes = new RouteTable(router, authenticate({ merchantKey: KEY }), async (_ctx, next) => next(), limits);
  routes.add({ method: 'get', path: '/v1/ping', summary: 'ping', tag: 'Bench', roles: ['merchant'], response: { status: 200, description: 'ok', schema: z.object({}) }, handler: async () => ({}) });
  app.use(errorHandler(createLogger('bench', 'silent')));
  app.use(router.routes());
  const server = http.createServer({ keepAlive: true }, app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ping`, close: () => server.close() };
}

async function timeRequests(url: string, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const answer = await fetch(url, { headers: { authorization: `Bearer ${KEY}` } });
    if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status}`);
    await answer.arrayBuffer();
  }
  return (performance.now() - started) / count;
}

function historyPayloads(history: unknown): Payload[] {
  const found: Payload[] = [];
  const stack: unknown[] = [history];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const payloads = (node as { payloads?: Array<{ metadata?: Record<string, string>; data?: string }> }).payloads;
    if (Array.isArray(payloads)) {
      for (const p of payloads) {
        found.push({
          metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
          data: Buffer.from(p.data ?? '', 'base64'),
        });
      }
    }
    stack.push(...Object.values(node));
  }
  return found;
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-bench-edge-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0, databaseName: 'bench', persistent: false, log: () => undefined });
  const db = connectDatabase(postgres.url);
  try {
    await migrateToLatest(postgres.url);
    const plain = await serve(db, false);
    const limited = await serve(db, true);
    await timeRequests(plain.url, 200);
    await timeRequests(limited.url, 200);
    // Interleaved halves, so drift on a busy machine hits both alike.
    let plainMs = 0;
    let limitedMs = 0;
    for (let round = 0; round < 4; round += 1) {
      plainMs += (await timeRequests(plain.url, REQUESTS / 4)) / 4;
      limitedMs += (await timeRequests(limited.url, REQUESTS / 4)) / 4;
    }
    plain.close();
    limited.close();

    const history = JSON.parse(await fs.readFile(path.join(__dirname, '..', 'test', 'fixtures', 'histories', 'take-payment-succeeded.json'), 'utf8'));
    const payloads = historyPayloads(history);
    const codec = new EncryptionCodec(parseCodecKeys(generateCodecKey('bench')));
    const baselineStarted = performance.now();
    for (let i = 0; i < PAYMENTS; i += 1) for (const p of payloads) temporal.api.common.v1.Payload.decode(temporal.api.common.v1.Payload.encode(p).finish());
    const baselineMs = (performance.now() - baselineStarted) / PAYMENTS;
    const codecStarted = performance.now();
    for (let i = 0; i < PAYMENTS; i += 1) await codec.decode(await codec.encode(payloads));
    const codecMs = (performance.now() - codecStarted) / PAYMENTS;

    // The codec endpoint: one HTTP decode of the whole payment's encrypted payloads, as the Temporal UI asks for them.
    const adminKey = 'dp_admin_bench_key_0123456789abc';
    const codecApp = new Koa();
    codecApp.use(errorHandler(createLogger('bench', 'silent')));
    codecApp.use(codecEndpoint({ db, keys: { adminKey }, codec, namespace: 'default', sessionHours: 1 }));
    const codecServer = http.createServer({ keepAlive: true }, codecApp.callback());
    await new Promise<void>((resolve) => codecServer.listen(0, '127.0.0.1', resolve));
    const encrypted = (await codec.encode(payloads)).map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    }));
    const decodeUrl = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}/codec/decode`;
    const timeDecodes = async (count: number) => {
      const started = performance.now();
      for (let i = 0; i < count; i += 1) {
        const answer = await fetch(decodeUrl, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ payloads: encrypted }) });
        if (answer.status !== 200) throw new Error(`POST /codec/decode: ${answer.status}`);
        await answer.arrayBuffer();
      }
      return (performance.now() - started) / count;
    };
    const pingAgain = await serve(db, false);
    await timeDecodes(100);
    let decodeMs = 0;
    let pingMs = 0;
    for (let round = 0; round < 4; round += 1) {
      pingMs += (await timeRequests(pingAgain.url, REQUESTS / 4)) / 4;
      decodeMs += (await timeDecodes(REQUESTS / 4)) / 4;
    }
    pingAgain.close();
    codecServer.close();

    console.log(`| Figure | Baseline | With | Overhead | Ratio |`);
    console.log(`| --- | --- | --- | --- | --- |`);
    console.log(`| GET through the API chain, per request (${REQUESTS} sequential) | ${plainMs.toFixed(3)} ms | ${limitedMs.toFixed(3)} ms | ${(limitedMs - plainMs).toFixed(3)} ms | ${(limitedMs / plainMs).toFixed(2)} |`);
    console.log(`| Codec, per card payment (${payloads.length} payloads, encode + decode) | ${(baselineMs * 1000).toFixed(1)} µs | ${(codecMs * 1000).toFixed(1)} µs | ${((codecMs - baselineMs) * 1000).toFixed(1)} µs | ${(codecMs / baselineMs).toFixed(2)} |`);
    console.log(`| Codec endpoint: POST /codec/decode of a card payment's ${payloads.length} payloads vs. an authenticated GET (${REQUESTS} each) | ${pingMs.toFixed(3)} ms | ${decodeMs.toFixed(3)} ms | ${(decodeMs - pingMs).toFixed(3)} ms | ${(decodeMs / pingMs).toFixed(2)} |`);
  } finally {
    await db.destroy();
    await postgres.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
