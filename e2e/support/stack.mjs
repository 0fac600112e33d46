// Starts the real stack for browser tests: the party-broker binary serving the
// built SPA (dist/) and MQTT on port 0, and Debian's chromium via
// playwright-core. Every process started here is stopped by stop().
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..', '..');
export const binDir = process.env.PARTY_BIN_DIR ?? path.join(root, 'target', 'debug');
export const distDir = process.env.PARTY_DIST ?? path.join(root, 'dist');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Spawns party-broker on free ports (or the given ones, to restart a broker where
 * its clients expect it) and resolves once it printed its addresses. `stop(signal)`
 * ends it (SIGTERM by default; SIGKILL for a crash).
 */
export async function startBroker({ httpPort = 0, mqttPort = 0 } = {}) {
  const bin = path.join(binDir, 'party-broker');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build with cargo build --workspace --bins`);
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error(`${distDir}/index.html is missing: run scripts/build-spa`);
  const child = spawn(bin, ['--http', `127.0.0.1:${httpPort}`, '--mqtt', `127.0.0.1:${mqttPort}`, '--dist', distDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`party-broker exited early (${code})`); });
  const ready = (async () => {
    for await (const line of lines) {
      const m = line.match(/^party-broker listening http=(\S+) mqtt=(\S+) ws=(\S+)$/);
      if (m) return { http: m[1], mqtt: m[2], ws: m[3] };
    }
    throw new Error('party-broker closed stdout before listening');
  })();
  const addrs = await Promise.race([ready, exited]);
  exited.catch(() => {});
  // Browse to localhost, not 127.0.0.1: WebAuthn's rp.id needs a domain.
  const port = new URL(addrs.http).port;
  return {
    ...addrs,
    page: `http://localhost:${port}/`,
    pid: child.pid,
    httpPort: Number(port),
    mqttPort: Number(new URL(addrs.mqtt).port),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await once(child, 'exit');
      }
    },
  };
}

/** Debian's chromium, headless; `hostRules` maps host names (e.g. 'MAP a.example 127.0.0.1'). */
export async function launchBrowser({ hostRules } = {}) {
  const args = hostRules ? [...CHROMIUM_ARGS, `--host-resolver-rules=${hostRules}`] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
}

/** Runs the `party` CLI to completion and returns its stdout. */
export async function party(args, { input } = {}) {
  const child = spawn(path.join(binDir, 'party'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  // A CLI that exits before reading stdin closes the pipe under us; that is not
  // an error of the command, its exit code says how it went.
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`party ${args.join(' ')} exited ${code}: ${err}`);
  return out;
}

/** The reverse-CAPTCHA answer, computed independently of our Rust code. */
export function captchaAnswer(challenge) {
  return createHash('sha256').update(challenge, 'utf8').digest('hex').slice(0, 8);
}

export function uniqueRoom(prefix) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The stack most browser tests share: one party-broker and one Chromium for the
 * whole file, started before its tests and stopped after them. `env.stack` and
 * `env.browser` are set once the tests run.
 */
export function useBrokerAndBrowser() {
  const env = {};
  before(async () => {
    env.stack = await startBroker();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.stack?.stop();
  });
  return env;
}
