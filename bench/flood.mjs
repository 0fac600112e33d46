// One sender flooding a room, measured where people read it: a well-behaved
// sender's latency as seen by a browser (Chromium with the app), `party listen` and
// an IRC user (irc-framework on party-bridge), quiet and then while another client
// floods the same room at 1,000 signed messages a second. Prints p50/p99 per reader
// for both runs and their ratio; the target is a flood p99 within 1.5x of quiet.
//
// Run: `./scripts/bench` (or, with release binaries built and dist/ built,
// `PARTY_BIN_DIR=target/release node bench/flood.mjs`).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { launchBrowser, startBroker, uniqueRoom } from '../e2e/support/stack.mjs';
import { enterRoom } from '../e2e/support/door.mjs';
import { newKey, peerId, signed, v1Identity } from '../e2e/support/envelope.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

const SAMPLES = 100;
const GOOD_EVERY_MS = 100;
const FLOOD_PER_SEC = 1_000;
const FLOOD_TICK_MS = 10;
const words = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'core', 'vectors', 'words.json'), 'utf8'));

/** A signed sender of its own: an agent key, handle and connection. */
async function sender(url, room, tag) {
  const key = newKey();
  const id = v1Identity(randomBytes(16), words);
  const base = { handle: `${id.handle}-bot`, avatarSeed: id.avatarSeed, from: peerId() };
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true });
  const topic = `party-2026-v1/party/${room}`;
  await client.publishAsync(topic, signed(room, { type: 'announce', ...base, t: Date.now() }, key, { kind: 'agent' }));
  let seq = 0;
  return {
    client,
    say(text) {
      const t = Date.now();
      seq += 1;
      const payload = signed(room, { type: 'msg', id: `${tag}-${t}-${seq}`, ...base, text, t }, key, { kind: 'agent' });
      client.publish(topic, payload, { qos: 0 });
    },
  };
}

/** Arrival times (ms since epoch) of the good messages, by sequence number. */
function recorder() {
  const at = new Map();
  return {
    at,
    seen(text, when) {
      const m = /^good (\d+) (\d+)$/.exec(text ?? '');
      if (m && !at.has(Number(m[1]))) at.set(Number(m[1]), when - Number(m[2]));
    },
  };
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { p50: pick(0.5), p99: pick(0.99), n: sorted.length };
}

async function phase(good, readers, flood) {
  for (const r of Object.values(readers)) r.at.clear();
  let flooding;
  if (flood) {
    flooding = setInterval(() => {
      for (let i = 0; i < (FLOOD_PER_SEC * FLOOD_TICK_MS) / 1000; i++) flood.say(`flood ${randomBytes(4).toString('hex')}`);
    }, FLOOD_TICK_MS);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  for (let i = 0; i < SAMPLES; i++) {
    good.say(`good ${i} ${Date.now()}`);
    await new Promise((r) => setTimeout(r, GOOD_EVERY_MS));
  }
  // Stragglers: wait until every reader has every message, or 10 s.
  const until = Date.now() + 10_000;
  while (Date.now() < until && Object.values(readers).some((r) => r.at.size < SAMPLES)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  clearInterval(flooding);
  const out = {};
  for (const [name, r] of Object.entries(readers)) out[name] = percentiles([...r.at.values()]);
  return out;
}

async function main() {
  const broker = await startBroker();
  const bridge = await startBridge({ broker: broker.mqtt });
  const browser = await launchBrowser();
  const room = uniqueRoom('bench-flood');
  const readers = { browser: recorder(), listen: recorder(), irc: recorder() };
  const listener = await partyListen(broker.mqtt, room);
  const push = listener.events.push.bind(listener.events);
  listener.events.push = (e) => {
    if (e.event === 'message') readers.listen.seen(e.text, Date.now());
    push(e);
  };
  const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: 'reader' });
  await irc.join(`#${room}`);
  irc.client.on('privmsg', (e) => readers.irc.seen(e.message, Date.now()));
  const tab = await enterRoom(browser, `${broker.page}${room}`);
  await tab.page.exposeFunction('__seen', (text, when) => readers.browser.seen(text, when));
  await tab.page.evaluate(() => {
    const list = document.querySelector('[data-testid=message-list]');
    new MutationObserver((records) => {
      const now = Date.now();
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== 1) continue;
          for (const text of node.querySelectorAll('[data-testid=message-text]')) window.__seen(text.textContent, now);
        }
      }
    }).observe(list, { childList: true, subtree: true });
  });

  const good = await sender(broker.mqtt, room, 'good');
  const flood = await sender(broker.mqtt, room, 'flood');
  const quiet = await phase(good, readers, null);
  const flooded = await phase(good, readers, flood);

  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`well-behaved sender every ${GOOD_EVERY_MS} ms, ${SAMPLES} samples; flood ${FLOOD_PER_SEC}/s from one client (load ${load})`);
  console.log(`${'reader'.padEnd(10)} ${'quiet p50'.padStart(10)} ${'quiet p99'.padStart(10)} ${'flood p50'.padStart(10)} ${'flood p99'.padStart(10)} ${'p99 x'.padStart(7)} ${'got'.padStart(9)}`);
  for (const name of Object.keys(readers)) {
    const q = quiet[name];
    const f = flooded[name];
    console.log(
      `${name.padEnd(10)} ${q.p50.toFixed(1).padStart(10)} ${q.p99.toFixed(1).padStart(10)} ${f.p50.toFixed(1).padStart(10)} ${f.p99.toFixed(1).padStart(10)} ${(f.p99 / q.p99).toFixed(2).padStart(7)} ${`${q.n}/${f.n}`.padStart(9)}`,
    );
  }
  console.log('(ms; "got": good messages received quiet/flooded, of', SAMPLES, 'each)');

  await good.client.endAsync();
  await flood.client.endAsync();
  await irc.quit();
  await listener.stop();
  await tab.context.close();
  await browser.close();
  await bridge.stop();
  await broker.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
