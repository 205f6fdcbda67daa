// The README's merchant webhook handler, kept here so `npm run lint` type-checks it against the generated client.
import http from 'node:http';
import { verifyDurapayWebhook } from '../index';

const handled = new Set<string>(); // your database in real life: a unique key on the event id

export const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const event = verifyDurapayWebhook(Buffer.concat(chunks), req.headers['durapay-signature'], process.env.DURAPAY_WEBHOOK_SECRET!);
    if (!handled.has(event.id) && event.type === 'payment.succeeded' && event.data.object.object === 'payment') {
      console.log(`add credits to ${event.data.object.customer_id}: ${event.data.object.amount} ${event.data.object.currency}`);
    }
    handled.add(event.id); // retries carry the same id: answer 2xx again, act once
    res.writeHead(200).end();
  } catch {
    res.writeHead(400).end(); // bad signature: Durapay retries, an attacker gets nothing
  }
});
