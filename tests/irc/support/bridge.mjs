// IRC servers for the client drivers: party-bridge (the system under test) and
// Debian's ngircd (a reference server, to tell a driver fault from a bridge fault).
// Both resolve with { host, port, irc: 'HOST:PORT', stop() }.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binDir } from '../../../e2e/support/stack.mjs';
import { eachLine, freePort, spawnTracked, within } from './events.mjs';

const START_MS = 20_000;

/**
 * Spawns `party-bridge --broker <broker> --irc 127.0.0.1:0 --max-clients-per-ip 1000`
 * and resolves once it printed `party-bridge listening irc=HOST:PORT` (and, with
 * `--http`, ` http=HOST:PORT`: `http` is then its base URL).
 * `broker` is an mqtt:// URL (startBroker().mqtt). `args` are appended to the command line.
 */
export async function startBridge({ broker, args = [], env = {} }) {
  const bin = path.join(binDir, 'party-bridge');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build with cargo build --workspace --bins`);
  const proc = spawnTracked(
    bin,
    ['--broker', broker, '--irc', '127.0.0.1:0', '--max-clients-per-ip', '1000', ...args],
    {
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env },
      // The bridge's own diagnostics stay visible in the test output.
      echoStderr: 'party-bridge: ',
    },
  );
  const stdout = [];
  const listening = new Promise((resolve) => {
    eachLine(proc.child.stdout, (line) => {
      stdout.push(line);
      const m = line.match(/^party-bridge listening irc=(\S+):(\d+)(?: http=(\S+))?$/);
      if (m) resolve({ host: m[1], port: Number(m[2]), http: m[3] ? `http://${m[3]}` : undefined });
    });
  });
  const early = proc.exited.then((code) => {
    throw new Error(`party-bridge exited (${code}) before listening; stdout:\n${stdout.join('\n')}\nstderr:\n${proc.stderrTail()}`);
  });
  let addr;
  try {
    addr = await within(START_MS, 'party-bridge to print its listening line', Promise.race([listening, early]));
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  early.catch(() => {});
  return {
    ...addr,
    irc: `${addr.host}:${addr.port}`,
    proc,
    stdout,
    stderrTail: proc.stderrTail,
    /** SIGTERM (every IRC member leaves its rooms) and the exit code, 0 when clean. */
    stop: () => proc.stop('SIGTERM'),
  };
}

/**
 * Runs Debian's ngircd in the foreground on a free loopback port with a throwaway
 * config: no PAM, ident or DNS lookups, no connection or penalty limits, no MOTD file.
 * With `password`, clients must send it with PASS (as bridge clients send their secret).
 */
export async function startNgircd({ name = 'irc.test.local', password } = {}) {
  const bin = process.env.NGIRCD ?? '/usr/sbin/ngircd';
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup (apt ngircd)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'party-ngircd-'));
  let lastError;
  // freePort() releases the port before ngircd binds it; retry if someone took it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, 'ngircd.conf');
    writeFileSync(
      conf,
      [
        '[Global]',
        `Name = ${name}`,
        'Info = Party test server',
        'AdminInfo1 = Party tests',
        'AdminInfo2 = loopback',
        'AdminEMail = nobody@invalid',
        'Listen = 127.0.0.1',
        `Ports = ${port}`,
        'MotdPhrase = "test server"',
        ...(password ? [`Password = ${password}`] : []),
        // ngircd drops root for "nobody", who cannot write a PID file in our temp dir.
        'PidFile = /dev/null',
        '[Limits]',
        'MaxConnections = 0',
        'MaxConnectionsIP = 0',
        'MaxJoins = 0',
        'MaxNickLength = 30',
        'MaxPenaltyTime = 0',
        'PingTimeout = 120',
        'PongTimeout = 20',
        '[Options]',
        'PAM = no',
        'Ident = no',
        'DNS = no',
        '',
      ].join('\n'),
    );
    const proc = spawnTracked(bin, ['-n', '-f', conf]);
    // ngircd -n logs to stdout and stderr; "ready" follows the listening socket.
    const ready = new Promise((resolve) => {
      const onLine = (line) => {
        if (/Server ".*" \(on ".*"\) ready\./.test(line)) resolve();
      };
      eachLine(proc.child.stdout, onLine);
      eachLine(proc.child.stderr, onLine);
    });
    const early = proc.exited.then((code) => {
      throw new Error(`ngircd exited (${code}) before it was ready: ${proc.stderrTail()}`);
    });
    try {
      await within(START_MS, 'ngircd to be ready', Promise.race([ready, early]));
      early.catch(() => {});
      return {
        host: '127.0.0.1',
        port,
        irc: `127.0.0.1:${port}`,
        proc,
        stop: async () => {
          await proc.stop('SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      await proc.stop('SIGKILL');
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
