// Party v1 clients (mqtt.js, unsigned envelopes) and `party listen` meet on the same
// mosquitto topic: v1 traffic must show up, marked unverified, never dropped.
//
// Run from the repository root: `node --test tests/interop/`. The `party` binary is
// taken from $PARTY_BIN_DIR (default target/debug, relative to the repository root).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { freePort } from '../irc/support/events.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN_DIR = path.resolve(ROOT, process.env.PARTY_BIN_DIR ?? 'target/debug');
const PARTY = path.join(BIN_DIR, 'party');
const MOSQUITTO = '/usr/sbin/mosquitto';
const WAIT_MS = 20_000;
const TOPIC_PREFIX = 'party-2026-v1/party/';

// A v1 human identity (core/vectors/identity.json), as a v1 browser would send it.
const V1_HANDLE = 'new-misty-mouse';
const V1_AVATAR_SEED = '4bf5122f344554c53bde2ebb8cd2b7e3';

const children = [];
let broker;
let workDir;

/** Line stream of a readable, with "wait for the next line matching" and a deadline. */
function lineReader(stream) {
  const seen = [];
  const waiters = [];
  let closed = false;
  const rl = readline.createInterface({ input: stream });
  rl.on('line', (line) => {
    seen.push(line);
    for (const w of [...waiters]) w.check();
  });
  rl.on('close', () => {
    closed = true;
    for (const w of [...waiters]) w.check();
  });
  return {
    seen,
    waitFor(what, predicate) {
      return new Promise((resolve, reject) => {
        let next = 0;
        const waiter = {
          check() {
            while (next < seen.length) {
              const line = seen[next++];
              if (predicate(line)) {
                done();
                resolve(line);
                return;
              }
            }
            if (closed) {
              done();
              reject(new Error(`stream closed before ${what}; saw:\n${seen.join('\n')}`));
            }
          },
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${what}; saw:\n${seen.join('\n')}`));
        }, WAIT_MS);
        function done() {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(waiter), 1);
        }
        waiters.push(waiter);
        waiter.check();
      });
    },
  };
}

function tryConnect(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

function startChild(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return { child, stdout: lineReader(child.stdout), stderr: lineReader(child.stderr) };
}

/** `party listen` on `room`, resolved once it is subscribed. */
async function listen(room) {
  const party = startChild(PARTY, ['listen', '--broker', broker.url, room]);
  await party.stderr.waitFor('party listen to subscribe', (l) => l.includes('listening to'));
  return party;
}

/** The next JSON event from `party` matching `predicate`. */
async function waitEvent(party, what, predicate) {
  const line = await party.stdout.waitFor(what, (l) => {
    try {
      return predicate(JSON.parse(l));
    } catch {
      return false;
    }
  });
  return JSON.parse(line);
}

function randomHex(bytes) {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** Publishes `envelope` as a v1 client does: JSON, QoS 0, no retain. */
async function publishV1(room, envelope) {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    await client.publishAsync(TOPIC_PREFIX + room, JSON.stringify(envelope), { qos: 0 });
  } finally {
    await client.endAsync();
  }
}

before(async () => {
  assert.ok(existsSync(PARTY), `no party binary at ${PARTY}; build it or set PARTY_BIN_DIR`);
  workDir = mkdtempSync(path.join(tmpdir(), 'party-interop-'));
  const port = await freePort();
  const conf = path.join(workDir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
  const mosquitto = startChild(MOSQUITTO, ['-c', conf]);
  await mosquitto.stderr.waitFor('mosquitto to run', (l) => l.includes(' running'));
  await tryConnect(port);
  broker = { url: `mqtt://127.0.0.1:${port}`, mosquitto };
});

after(async () => {
  const exits = children.map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('an unsigned v1 msg is shown by party listen with verified false', async () => {
  const room = `interop-msg-${randomHex(3)}`;
  const party = await listen(room);
  const t = Date.now();
  const text = `hello from a v1 client ${randomHex(4)}`;
  await publishV1(room, {
    type: 'msg',
    id: `${V1_HANDLE}-${t}-${randomHex(3)}`,
    handle: V1_HANDLE,
    avatarSeed: V1_AVATAR_SEED,
    text,
    from: randomHex(8),
    t,
  });
  const event = await waitEvent(party, 'the v1 message', (e) => e.event === 'message' && e.text === text);
  assert.equal(event.verified, false);
  assert.equal(event.handle, V1_HANDLE);
});

test('a v1 announce shows as an unverified peer-joined', async () => {
  const room = `interop-peer-${randomHex(3)}`;
  const party = await listen(room);
  const from = randomHex(8);
  await publishV1(room, {
    type: 'announce',
    handle: V1_HANDLE,
    avatarSeed: V1_AVATAR_SEED,
    from,
    t: Date.now(),
  });
  const event = await waitEvent(
    party,
    'the v1 peer joining',
    (e) => e.event === 'peer-joined' && e.handle === V1_HANDLE,
  );
  assert.equal(event.verified, false);
  assert.equal(event.peerId, from);
});

/** A v1 client on `room`: every envelope it receives, parsed. */
async function v1Subscriber(room) {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const seen = [];
  const waiters = [];
  client.on('message', (_topic, payload) => {
    let envelope;
    try {
      envelope = JSON.parse(payload.toString());
    } catch {
      return;
    }
    seen.push(envelope);
    for (const w of [...waiters]) w();
  });
  await client.subscribeAsync(TOPIC_PREFIX + room, { qos: 0 });
  return {
    client,
    waitFor(what, predicate) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = seen.find(predicate);
          if (!found) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen)}`));
        }, WAIT_MS);
        waiters.push(check);
        check();
      });
    },
  };
}

// v1's lib/mesh.js `_dispatch` refreshes a peer's lastSeen on any envelope whose
// `handle` passes its HANDLE_RE, whatever the type: a leave that named our handle
// kept us in v1 peers' lists for another 90 s.
const V1_HANDLE_RE = /^[a-z]{2,10}-[a-z]{2,10}-[a-z]{2,12}(-bot)?$/;

test('our leave is not a sign of life to a v1 client', async () => {
  const room = `interop-leave-${randomHex(3)}`;
  const v1 = await v1Subscriber(room);
  try {
    const party = await listen(room);
    const announce = await v1.waitFor('our announce', (e) => e.type === 'announce');
    party.child.kill('SIGTERM');
    const leave = await v1.waitFor('our leave', (e) => e.type === 'leave');
    assert.equal(leave.from, announce.from);
    const v1TakesItAsLife = typeof leave.handle === 'string' && V1_HANDLE_RE.test(leave.handle);
    assert.equal(v1TakesItAsLife, false, `v1 would refresh us on ${JSON.stringify(leave)}`);
  } finally {
    await v1.client.endAsync();
  }
});

test('a v1 host answering our history request is shown as unverified history, not dropped', async () => {
  const room = V1_HANDLE;
  const v1 = await v1Subscriber(room);
  try {
    const party = await listen(room);
    const request = await v1.waitFor('our history request', (e) => e.type === 'history-request');
    const ts = Date.now() - 60_000;
    // lib/mesh.js `send` and `_recordHistory`: v1 keeps and replays these records.
    const log = ['first words', 'second words'].map((text, i) => ({
      id: `${V1_HANDLE}-${ts + i}-${randomHex(3)}`,
      room,
      from: V1_HANDLE,
      fromAvatar: V1_AVATAR_SEED,
      text,
      ts: ts + i,
    }));
    await v1.client.publishAsync(
      TOPIC_PREFIX + room,
      JSON.stringify({ type: 'history-response', to: request.from, log, from: randomHex(8), t: Date.now() }),
      { qos: 0 },
    );
    for (const record of log) {
      const event = await waitEvent(party, record.text, (e) => e.event === 'message' && e.text === record.text);
      assert.equal(event.history, true);
      assert.equal(event.verified, false);
      assert.equal(event.trust, 'unverified');
      assert.equal(event.handle, V1_HANDLE);
      assert.equal(event.t, record.ts);
    }
  } finally {
    await v1.client.endAsync();
  }
});
