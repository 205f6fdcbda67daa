import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/*
 * A local SMTP server that accepts every message and keeps it on disk, so `npm start` sends real mail through
 * real SMTP without an account anywhere, and a person can open what was sent.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ReceivedMessage {
  /** The envelope's recipients: who the message was actually delivered to. */
  recipients: string[];
  raw: Buffer;
}

export interface SmtpReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An unauthenticated, plain-text SMTP server on loopback. The client's DATA command only succeeds once
 * onMessage has resolved, so a sender that got "250 OK" knows the message is stored.
 */
export async function startSmtpReceiver(options: {
  port: number;
  host?: string;
  onMessage: (message: ReceivedMessage) => Promise<void>;
}): Promise<SmtpReceiver> {
  const host = options.host ?? '127.0.0.1';
  // No auth and no TLS is only acceptable when nothing outside this machine can connect.
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the SMTP sink listens on loopback only, not ${host}`);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    closeTimeout: 2_000,
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        const recipients = session.envelope.rcptTo.map((address) => address.address);
        options.onMessage({ recipients, raw: Buffer.concat(chunks) }).then(() => callback(), (error: Error) => callback(error));
      });
    },
  });
  server.on('error', () => {
    // Client-side protocol errors are answered on their own connection; they must not crash the process.
  });
  const port = await new Promise<number>((resolve, reject) => {
    const listener = server.server;
    const onError = (error: Error) => reject(error);
    listener.once('error', onError);
    server.listen(options.port, host, () => {
      listener.off('error', onError);
      resolve((listener.address() as AddressInfo).port);
    });
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `smtp://${urlHost}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Writes each message to `${dataDir}/mail/<time>-<n>.eml` and logs one line per message. */
export async function startSmtpSink(options: {
  dataDir: string;
  port: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<{ url: string; port: number; mailDir: string; close(): Promise<void> }> {
  const mailDir = path.join(options.dataDir, 'mail');
  await fs.mkdir(mailDir, { recursive: true });
  const log = options.log ?? (() => {});
  let count = 0;
  const receiver = await startSmtpReceiver({
    port: options.port,
    host: options.host,
    async onMessage({ recipients, raw }) {
      count += 1;
      // ISO time with ':' replaced, so the names sort by time and are valid file names everywhere.
      const file = path.join(mailDir, `${new Date().toISOString().replace(/:/g, '-')}-${count}.eml`);
      await fs.writeFile(file, raw, { flag: 'wx' });
      const subject = await PostalMime.parse(raw).then((email) => email.subject ?? '', () => '(unparsable)');
      log(`to ${recipients.join(', ')} subject ${JSON.stringify(subject)} → ${file}`);
    },
  });
  return { ...receiver, mailDir };
}
