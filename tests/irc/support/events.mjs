// What the IRC tests wait on: an append-only list of events with "resolve when one
// matches" and a deadline, plus the process bookkeeping every driver shares (free
// ports, children that are always killed, stderr kept for error messages).
//
// An event is a plain object. IRC client drivers push normalized events
//   { type: 'join' | 'part' | 'quit' | 'privmsg' | 'notice' | 'registered' | 'raw' | ...,
//     nick, channel, text, line }
// where `line` is what the client itself produced (a raw IRC line, a log line).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import readline from 'node:readline';

export const WAIT_MS = 20_000;

/** An append-only event list; waitFor resolves with the first event that matches. */
export class EventLog {
  constructor(label) {
    this.label = label;
    this.events = [];
    this.waiters = new Set();
    this.closedReason = null;
    /** Extra context for timeout messages (e.g. a process's stderr tail). */
    this.context = () => '';
  }

  push(event) {
    this.events.push(event);
    for (const w of [...this.waiters]) w.check();
  }

  /** No more events will come (the process exited): pending waits fail at once. */
  close(reason) {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const w of [...this.waiters]) w.check();
  }

  /** A cursor: pass it as `since` to ignore everything seen so far. */
  mark() {
    return this.events.length;
  }

  /**
   * Resolves with the first event from index `since` on that matches: `match` is a
   * predicate on the event, or a RegExp tested against its `line`.
   * Rejects after `timeoutMs`, or when the log is closed with nothing matching.
   */
  waitFor(match, { timeoutMs = WAIT_MS, since = 0, what } = {}) {
    const test = match instanceof RegExp ? (e) => match.test(e.line ?? '') : match;
    const description = what ?? (match instanceof RegExp ? String(match) : 'a matching event');
    return new Promise((resolve, reject) => {
      let next = since;
      const waiter = {
        check: () => {
          while (next < this.events.length) {
            const event = this.events[next++];
            let ok = false;
            try {
              ok = test(event);
            } catch {
              ok = false;
            }
            if (ok) {
              finish();
              resolve(event);
              return;
            }
          }
          if (this.closedReason !== null) {
            finish();
            reject(this.failure(`${this.label} ended (${this.closedReason}) before ${description}`));
          }
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.failure(`${this.label}: timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /** The last `n` events, one per line, for error messages. */
  tail(n = 80) {
    return this.events
      .slice(-n)
      .map((e) => e.line ?? JSON.stringify(e))
      .join('\n');
  }

  failure(message) {
    const extra = this.context();
    return new Error(`${message}; last events:\n${this.tail()}${extra ? `\n${extra}` : ''}`);
  }
}

/** Whether two channel names are the same channel (IRC compares them folded). */
export function sameChannel(a, b) {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

/**
 * Resolves with `count` distinct TCP ports nobody listens on: all are held until
 * every one is picked, since a port released at once can be handed out again by the
 * next bind.
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Resolves with a TCP port nobody listens on (bound to 0, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Every child spawned through spawnTracked; killed outright if the test process
// exits without having stopped them (a crashed test must not leave servers behind).
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * spawn() that remembers the child until it exits, keeps the last lines of its stderr
 * (`stderrTail()`), and exposes `exited` (resolves with the exit code or signal).
 */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  const stderrLines = [];
  if (child.stderr) {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      stderrLines.push(line);
      if (stderrLines.length > 200) stderrLines.shift();
      if (options.echoStderr) process.stderr.write(`${options.echoStderr}${line}\n`);
    });
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    });
    child.once('error', (err) => {
      live.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  return {
    child,
    exited,
    stderrTail: (n = 40) => stderrLines.slice(-n).join('\n'),
    /** True while the process has not exited. */
    running: () => child.exitCode === null && child.signalCode === null && live.has(child),
    /** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILLs; resolves with the exit. */
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null && live.has(child)) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** Calls `fn` on each line of `stream`; `onClose` once the stream ends. */
export function eachLine(stream, fn, onClose) {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', fn);
  if (onClose) rl.on('close', onClose);
  return rl;
}

/** Resolves when `promise` does, or rejects after `ms` with `what` in the message. */
export async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export { once };
