// Soak: 200 clients in 20 rooms for SOAK_MINUTES (default 30) on party-broker and
// party-bridge. Per room: 6 simulated browsers (mqtt.js over WebSocket on the
// broker's HTTP port, signing like the app: an announce every 4 s, a message every
// SEND_EVERY_MS), 2 `party listen`s and 2 IRC users (irc-framework on the bridge, one
// of them speaking every SEND_EVERY_MS).
//
// Every minute it prints the broker's and the bridge's resident memory, messages
// sent, lost (not received by every other client of its room within LOSS_AFTER_MS)
// and duplicated (received twice by one client), and the latency percentiles of the
// minute. At the end: whether memory stayed within 10% once warm (from minute 15 of
// 30: the rooms' logs in the broker and the bridge's room histories are full by then).
//
// Run: `SOAK_MINUTES=30 ./scripts/soak` (builds release binaries first).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { startBroker, uniqueRoom } from '../e2e/support/stack.mjs';
import { newKey, peerId, signed, v1Identity } from '../e2e/support/envelope.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const ROOMS = 20;
const BROWSERS_PER_ROOM = 6;
const LISTENS_PER_ROOM = 2;
const IRC_PER_ROOM = 2;
const SEND_EVERY_MS = 10_000;
const ANNOUNCE_EVERY_MS = 4_000;
const LOSS_AFTER_MS = 10_000;
/** Until the rooms' logs in the broker (two segments each) and the bridge's room
 *  histories (500 messages each) have filled at this traffic; memory is judged after. */
const WARMUP_MINUTES = Math.max(1, Math.min(15, Math.floor(MINUTES / 2)));
const words = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'core', 'vectors', 'words.json'), 'utf8'));

/** What every message should reach, and who got it when. */
class Ledger {
  constructor() {
    this.messages = new Map(); // marker -> { room, sentAt, sender, got: Map(client -> count) }
    this.latencies = [];
    this.dups = 0;
    this.lost = 0;
    this.sent = 0;
    this.members = new Map(); // room -> Set(client names)
  }

  join(room, client) {
    if (!this.members.has(room)) this.members.set(room, new Set());
    this.members.get(room).add(client);
  }

  sent_(room, marker, sender) {
    this.sent += 1;
    this.messages.set(marker, { room, sentAt: Date.now(), sender, got: new Map() });
  }

  got(client, text) {
    const m = /soak:(\S+)/.exec(text ?? '');
    if (!m) return;
    const entry = this.messages.get(m[1]);
    if (!entry) return;
    const n = (entry.got.get(client) ?? 0) + 1;
    entry.got.set(client, n);
    if (n === 1) this.latencies.push(Date.now() - entry.sentAt);
    else this.dups += 1;
  }

  /** Settles messages old enough: counts the readers that never got them. */
  settle(now) {
    for (const [marker, entry] of this.messages) {
      if (now - entry.sentAt < LOSS_AFTER_MS) continue;
      for (const client of this.members.get(entry.room)) {
        if (client !== entry.sender && !entry.got.has(client)) this.lost += 1;
      }
      this.messages.delete(marker);
    }
  }
}

/** A browser as the broker sees it: MQTT over WebSocket, signed announces and messages. */
async function simulatedBrowser(wsUrl, room, name, ledger) {
  const key = newKey();
  const id = v1Identity(randomBytes(16), words);
  const base = { handle: `${id.handle}-bot`, avatarSeed: id.avatarSeed, from: peerId() };
  const topic = `party-2026-v1/party/${room}`;
  const client = await mqtt.connectAsync(wsUrl, { protocolVersion: 4, clean: true, reconnectPeriod: 1_000 });
  client.on('message', (_t, payload) => {
    try {
      const env = JSON.parse(payload.toString());
      if (env.type === 'msg' && env.from !== base.from) ledger.got(name, env.text);
    } catch {
      // not ours to judge
    }
  });
  await client.subscribeAsync(topic, { qos: 0 });
  const announce = () => client.publish(topic, signed(room, { type: 'announce', ...base, t: Date.now() }, key, { kind: 'agent' }));
  announce();
  let seq = 0;
  const timers = [
    setInterval(announce, ANNOUNCE_EVERY_MS),
    setInterval(() => {
      seq += 1;
      const marker = `${name}-${seq}`;
      const t = Date.now();
      ledger.sent_(room, marker, name);
      client.publish(topic, signed(room, { type: 'msg', id: `${base.from}-${t}-${seq}`, ...base, text: `soak:${marker}`, t }, key, { kind: 'agent' }));
    }, SEND_EVERY_MS + Math.floor(Math.random() * 1_000)),
  ];
  return { stop: async () => { timers.forEach(clearInterval); await client.endAsync(true); } };
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : NaN;
}

async function main() {
  const broker = await startBroker();
  const bridge = await startBridge({ broker: broker.mqtt });
  const brokerPid = broker.pid;
  const bridgePid = bridge.proc.child.pid;
  const ledger = new Ledger();
  const stops = [];
  const speakers = [];
  for (let r = 0; r < ROOMS; r++) {
    const room = uniqueRoom(`soak${r}`);
    for (let b = 0; b < BROWSERS_PER_ROOM; b++) {
      const name = `${room}/browser${b}`;
      ledger.join(room, name);
      stops.push((await simulatedBrowser(broker.ws, room, name, ledger)).stop);
    }
    for (let l = 0; l < LISTENS_PER_ROOM; l++) {
      const name = `${room}/listen${l}`;
      ledger.join(room, name);
      const listener = await partyListen(broker.mqtt, room);
      const push = listener.events.push.bind(listener.events);
      listener.events.push = (e) => {
        if (e.event === 'message') ledger.got(name, e.text);
        // Keep nothing: a 30-minute log would be the test's own leak.
        if (listener.events.events.length > 100) listener.events.events.splice(0, 50);
        push(e);
      };
      stops.push(() => listener.stop());
    }
    for (let i = 0; i < IRC_PER_ROOM; i++) {
      const name = `${room}/irc${i}`;
      ledger.join(room, name);
      const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: `s${r}x${i}${randomBytes(2).toString('hex')}` });
      irc.client.on('privmsg', (e) => ledger.got(name, e.message));
      await irc.join(`#${room}`);
      // The driver's log would grow for 30 minutes; the ledger keeps what matters.
      irc.events.push = () => {};
      stops.push(() => irc.quit());
      if (i === 0) speakers.push({ irc, room, name });
    }
  }
  let seq = 0;
  const speaking = setInterval(() => {
    for (const { irc, room, name } of speakers) {
      seq += 1;
      const marker = `${name}-${seq}`;
      ledger.sent_(room, marker, name);
      irc.say(`#${room}`, `soak:${marker}`);
    }
  }, SEND_EVERY_MS);

  console.log(`soak: ${ROOMS} rooms x (${BROWSERS_PER_ROOM} WebSocket browsers + ${LISTENS_PER_ROOM} party listen + ${IRC_PER_ROOM} IRC) = ${ROOMS * (BROWSERS_PER_ROOM + LISTENS_PER_ROOM + IRC_PER_ROOM)} clients, ${MINUTES} min`);
  console.log(`${'min'.padStart(4)} ${'broker MB'.padStart(10)} ${'bridge MB'.padStart(10)} ${'sent'.padStart(8)} ${'lost'.padStart(6)} ${'dup'.padStart(5)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}`);
  const rss = [];
  for (let minute = 1; minute <= MINUTES; minute++) {
    await new Promise((r) => setTimeout(r, 60_000));
    ledger.settle(Date.now());
    const lat = ledger.latencies.splice(0).sort((a, b) => a - b);
    const row = { broker: rssMb(brokerPid), bridge: rssMb(bridgePid) };
    rss.push(row);
    console.log(
      `${String(minute).padStart(4)} ${row.broker.toFixed(1).padStart(10)} ${row.bridge.toFixed(1).padStart(10)} ${String(ledger.sent).padStart(8)} ${String(ledger.lost).padStart(6)} ${String(ledger.dups).padStart(5)} ${String(percentile(lat, 0.5)).padStart(7)} ${String(percentile(lat, 0.99)).padStart(7)} ${String(lat.at(-1) ?? NaN).padStart(7)}`,
    );
  }
  clearInterval(speaking);
  await new Promise((r) => setTimeout(r, LOSS_AFTER_MS));
  ledger.settle(Date.now() + LOSS_AFTER_MS);
  if (rss.length > WARMUP_MINUTES) {
    const warm = rss[WARMUP_MINUTES - 1];
    const growth = (key) => Math.max(...rss.slice(WARMUP_MINUTES).map((r) => r[key])) / warm[key];
    console.log(
      `memory after warm-up (largest later value / minute ${WARMUP_MINUTES}'s): broker ${growth('broker').toFixed(2)}, bridge ${growth('bridge').toFixed(2)} (target: within 1.10)`,
    );
  }
  console.log(`total: ${ledger.sent} messages sent, ${ledger.lost} lost deliveries, ${ledger.dups} duplicated deliveries`);
  for (const stop of stops) await stop().catch(() => {});
  await bridge.stop();
  await broker.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
