// A 3-node NATS cluster on loopback, each node with MQTT over TCP and over
// WebSocket: rooms past one machine, on a clustered broker used in production
// (docs/scaling.md says why NATS). Used two ways:
//
//   scripts/cluster            starts it, prints each node's URLs, and stops it
//                              cleanly on Ctrl-C or SIGTERM;
//   import { startCluster }    from tests (e2e/cluster.test.mjs, the benchmark).
//
// Ports are free ones picked at start; state lives in a temporary directory that
// is removed on stop. Needs Debian's nats-server (scripts/setup installs it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { freePorts } from '../tests/irc/support/events.mjs';

const NATS = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';
/** How long the cluster may take to form and elect its JetStream leader. */
const READY_MS = 60_000;

function config({ name, dir, ports, routes }) {
  return `server_name: "${name}"
listen: "127.0.0.1:${ports.client}"
jetstream { store_dir: "${dir}" }
cluster {
  name: "party"
  listen: "127.0.0.1:${ports.route}"
  routes: [${routes.map((r) => `"nats-route://127.0.0.1:${r}"`).join(', ')}]
}
mqtt { listen: "127.0.0.1:${ports.mqtt}" }
websocket { listen: "127.0.0.1:${ports.ws}", no_tls: true }
`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One CONNECT attempt; a node still electing its JetStream leader may close the
 *  socket without a CONNACK, which mqtt.js never reports, so the attempt is bounded. */
function connectOnce(url) {
  const client = mqtt.connect(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 5_000 });
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      client.end(true);
      reject(why instanceof Error ? why : new Error(why));
    };
    const timer = setTimeout(() => fail('no CONNACK within 8 s'), 8_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', () => fail('closed before CONNACK'));
  });
}

/** Connects with mqtt.js, retrying until the node answers CONNECT or `until` passes. */
async function connectWhenReady(url, until) {
  for (;;) {
    try {
      return await connectOnce(url);
    } catch (err) {
      if (Date.now() > until) throw new Error(`${url} never accepted MQTT: ${err.message}`);
      await sleep(250);
    }
  }
}

/**
 * Waits until a publish on every node reaches a subscriber on every other node:
 * routes are up and interest has spread (the first connects fail while JetStream
 * elects a leader).
 */
async function waitUntilFormed(nodes) {
  const until = Date.now() + READY_MS;
  const clients = [];
  try {
    for (const node of nodes) clients.push(await connectWhenReady(node.mqtt, until));
    const topic = `cluster-check/${process.pid}-${Date.now()}`;
    for (const client of clients) await client.subscribeAsync(topic, { qos: 0 });
    for (;;) {
      const heard = clients.map(() => new Set());
      const handlers = clients.map((client, i) => {
        const handler = (_topic, payload) => heard[i].add(payload.toString());
        client.on('message', handler);
        return handler;
      });
      for (const [i, client] of clients.entries()) await client.publishAsync(topic, `from-${i}`, { qos: 0 });
      await sleep(300);
      clients.forEach((client, i) => client.off('message', handlers[i]));
      if (heard.every((set) => set.size === clients.length)) return;
      if (Date.now() > until) throw new Error('the NATS cluster did not carry messages between all nodes in time');
    }
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  }
}

/**
 * Starts `count` NATS nodes routed to each other. Resolves with
 * `{ nodes: [{ name, mqtt, ws, pid }], stop() }` once every node carries messages
 * to every other; `ws` is the MQTT-over-WebSocket URL a browser uses.
 */
export async function startCluster({ count = 3, echoLogs = false } = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'party-cluster-'));
  const children = [];
  // Never leave nodes or their state behind if this process ends without stop().
  const onExit = () => {
    children.forEach((c) => c.kill('SIGKILL'));
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const picked = await freePorts(4 * count);
  const ports = [];
  for (let i = 0; i < count; i++) {
    const [client, route, mqtt, ws] = picked.slice(4 * i, 4 * i + 4);
    ports.push({ client, route, mqtt, ws });
  }
  const nodes = [];
  const stop = async () => {
    process.off('exit', onExit);
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await once(child, 'exit');
          clearTimeout(timer);
        }
      }),
    );
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const name = `party-n${i + 1}`;
      const file = path.join(root, `${name}.conf`);
      const routes = ports.filter((_, j) => j !== i).map((p) => p.route);
      await writeFile(file, config({ name, dir: path.join(root, name), ports: ports[i], routes }));
      const child = spawn(NATS, ['-c', file], { stdio: ['ignore', 'ignore', echoLogs ? 'inherit' : 'ignore'] });
      child.once('error', () => {});
      children.push(child);
      nodes.push({
        name,
        pid: child.pid,
        mqtt: `mqtt://127.0.0.1:${ports[i].mqtt}`,
        ws: `ws://127.0.0.1:${ports[i].ws}/mqtt`,
      });
    }
    await waitUntilFormed(nodes);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}

async function main() {
  // A signal while the cluster forms exits at once; the exit hook stops the nodes.
  const early = () => process.exit(130);
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  const cluster = await startCluster({ echoLogs: process.argv.includes('--logs') });
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  for (const node of cluster.nodes) {
    console.log(`${node.name} mqtt=${node.mqtt} ws=${node.ws}`);
  }
  console.log('cluster ready; Ctrl-C stops it');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    console.log('cluster stopped');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`cluster: ${err.message}`);
    process.exit(1);
  });
}
