// Rooms on a 3-node NATS cluster beside the bundled party-broker, in the same run and
// with the same client (mqtt.js over TCP):
//
// - latency: one 100-byte QoS 0 message in flight, publisher and subscriber on the
//   same node, and (cluster only) on different nodes; p50/p99 over SAMPLES;
// - fan-out: SUBSCRIBERS clients in one room (spread over the nodes), one publisher
//   sending WINDOW messages ahead of what every subscriber received; deliveries per
//   second summed over the subscribers.
//
// Run: `./scripts/bench`, or `node bench/cluster.mjs` with party-broker built
// (PARTY_BIN_DIR, default target/debug; use target/release for figures).
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { startCluster } from '../scripts/cluster.mjs';
import { startBroker } from '../e2e/support/stack.mjs';

const SAMPLES = 2_000;
const WARMUP = 200;
const SUBSCRIBERS = 30;
const FANOUT_MESSAGES = 3_000;
const WINDOW = 50;
const PAYLOAD = Buffer.alloc(100, 'x');

const connect = (url) => mqtt.connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0 });

async function latency(pubUrl, subUrl, topic) {
  const pub = await connect(pubUrl);
  const sub = await connect(subUrl);
  await sub.subscribeAsync(topic, { qos: 0 });
  // Subscriptions spread between nodes asynchronously: wait until one arrives.
  for (;;) {
    const arrived = new Promise((resolve) => sub.once('message', resolve));
    pub.publish(topic, PAYLOAD, { qos: 0 });
    const got = await Promise.race([arrived, new Promise((r) => setTimeout(() => r(null), 200))]);
    if (got) break;
  }
  const times = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const arrived = new Promise((resolve) => sub.once('message', resolve));
    const start = process.hrtime.bigint();
    pub.publish(topic, PAYLOAD, { qos: 0 });
    await arrived;
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  await pub.endAsync(true);
  await sub.endAsync(true);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)] };
}

async function fanout(urls, topic) {
  const subs = [];
  const received = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const sub = await connect(urls[i % urls.length]);
    await sub.subscribeAsync(topic, { qos: 0 });
    received.push(0);
    sub.on('message', () => {
      received[i] += 1;
    });
    subs.push(sub);
  }
  const pub = await connect(urls[0]);
  // Until every subscriber hears the publisher (interest has spread).
  while (received.some((n) => n === 0)) {
    pub.publish(topic, PAYLOAD, { qos: 0 });
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = [...received];
  const slowest = () => Math.min(...received.map((n, i) => n - base[i]));
  const start = process.hrtime.bigint();
  let sent = 0;
  while (slowest() < FANOUT_MESSAGES) {
    while (sent < FANOUT_MESSAGES && sent - slowest() < WINDOW) {
      pub.publish(topic, PAYLOAD, { qos: 0 });
      sent += 1;
    }
    await new Promise((r) => setImmediate(r));
    if (Number(process.hrtime.bigint() - start) > 60e9) throw new Error(`fan-out stalled at ${slowest()} of ${FANOUT_MESSAGES}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await pub.endAsync(true);
  await Promise.all(subs.map((s) => s.endAsync(true)));
  return (FANOUT_MESSAGES * SUBSCRIBERS) / seconds;
}

async function main() {
  const broker = await startBroker();
  const cluster = await startCluster();
  const [n1, , n3] = cluster.nodes.map((n) => n.mqtt);
  try {
    const rows = [];
    const single = await latency(broker.mqtt, broker.mqtt, 'party-2026-v1/party/bench-lat-a');
    const same = await latency(n1, n1, 'party-2026-v1/party/bench-lat-b');
    const across = await latency(n1, n3, 'party-2026-v1/party/bench-lat-c');
    const singleFan = await fanout([broker.mqtt], 'party-2026-v1/party/bench-fan-a');
    const clusterFan = await fanout(cluster.nodes.map((n) => n.mqtt), 'party-2026-v1/party/bench-fan-b');
    rows.push(['party-broker (one node)', single, singleFan]);
    rows.push(['NATS x3, same node', same, null]);
    rows.push(['NATS x3, across nodes', across, clusterFan]);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`mqtt.js over TCP, 100-byte QoS 0; fan-out: ${SUBSCRIBERS} subscribers (spread over the nodes), ${FANOUT_MESSAGES} messages, ${WINDOW} in flight (load ${load})`);
    console.log(`${'broker'.padEnd(26)} ${'p50 us'.padStart(9)} ${'p99 us'.padStart(9)} ${'p50 x'.padStart(7)} ${'deliveries/s'.padStart(13)} ${'x'.padStart(6)}`);
    for (const [name, lat, fan] of rows) {
      console.log(
        `${name.padEnd(26)} ${lat.p50.toFixed(0).padStart(9)} ${lat.p99.toFixed(0).padStart(9)} ${(lat.p50 / single.p50).toFixed(2).padStart(7)} ${fan === null ? '-'.padStart(13) : fan.toFixed(0).padStart(13)} ${fan === null ? '-'.padStart(6) : (fan / singleFan).toFixed(2).padStart(6)}`,
      );
    }
    console.log('(x: against party-broker on one node, measured in this run)');
  } finally {
    await cluster.stop();
    await broker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
