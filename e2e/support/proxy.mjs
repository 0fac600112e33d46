// A TCP relay between a client and a server that can go silent: `freeze()` stops
// passing bytes both ways without closing anything, as a phone that lost its network
// would (the sockets stay open; nothing arrives). Stopping closes everything.
import net from 'node:net';
import { once } from 'node:events';

/** Relays 127.0.0.1:<port> to 127.0.0.1:`targetPort`. */
export async function startProxy(targetPort) {
  const pairs = new Set();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const relay = (from, to) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
    relay(client, upstream);
    relay(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    /** From now on nothing passes, and nothing is closed. */
    freeze() {
      frozen = true;
    },
    async stop() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
