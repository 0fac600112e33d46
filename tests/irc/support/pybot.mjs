// Drives the Python IRC bots in tests/irc/bots/ (the `irc` library: irc_bot.py,
// pydle: pydle_bot.py) over JSON lines on their stdin/stdout. They run from the
// project's venv, .venv/ (created by scripts/setup from tests/requirements.txt).
//
//   const c = await startPyIrc({ host, port, nick, password });   // registered
//   await c.join('#room'); await c.say('#room', 'hi');
//   await c.waitFor((e) => e.type === 'join' && e.nick === 'x', 20_000);
//   await c.quit();
//
// Events are the bot's JSON objects with `event` renamed to `type`; every line the
// bot received also comes as { type: 'raw', line }.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EventLog, WAIT_MS, eachLine, spawnTracked, within, sameChannel } from './events.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const PYTHON = process.env.PARTY_IRC_PYTHON ?? path.join(ROOT, '.venv', 'bin', 'python');
const BOTS = path.join(ROOT, 'tests', 'irc', 'bots');

/** A bot on the `irc` library (jaraco/irc), the classic Python IRC client. */
export const startPyIrc = (opts) => startBot('python-irc', 'irc_bot.py', opts);

/** A bot on pydle (asyncio). It reports our own channel messages back, like echo-message. */
export const startPydle = (opts) => startBot('pydle', 'pydle_bot.py', opts);

async function startBot(name, script, { host, port, nick, username, realname, password }) {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/setup (it creates .venv/)`);
  const args = [path.join(BOTS, script), '--host', host, '--port', String(port), '--nick', nick];
  if (username) args.push('--username', username);
  if (realname) args.push('--realname', realname);
  if (password) args.push('--password', password);
  const proc = spawnTracked(PYTHON, ['-u', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
  });
  proc.child.stdin.on('error', () => {}); // the bot may be gone already
  const events = new EventLog(`${name} ${nick}`);
  events.context = () => `${name} stderr:\n${proc.stderrTail()}`;
  eachLine(
    proc.child.stdout,
    (line) => {
      let obj;
      try {
        obj = JSON.parse(line);
      } catch {
        events.push({ type: 'stdout', line });
        return;
      }
      const { event, ...rest } = obj;
      events.push({ type: event, ...rest, line: rest.line ?? line });
    },
    () => events.close('stdout closed'),
  );
  proc.exited.then((code) => events.close(`exited: ${code}`));

  const command = (cmd) => {
    if (!proc.running()) throw events.failure(`${name} is not running`);
    proc.child.stdin.write(`${JSON.stringify(cmd)}\n`);
  };
  let nextId = 1;
  let stopped = false;
  const stop = async (graceful) => {
    if (stopped) return;
    stopped = true;
    if (graceful && proc.running()) {
      try {
        command({ cmd: 'quit', reason: 'bye' });
        await within(10_000, `${name} to exit after QUIT`, proc.exited);
      } catch {
        // fall through to the signal
      }
    }
    await proc.stop('SIGTERM', 5_000);
  };

  const driver = {
    name,
    nick,
    events,
    waitFor: (match, opts) => events.waitFor(match, typeof opts === 'number' ? { timeoutMs: opts } : opts),
    async join(channel, timeoutMs = WAIT_MS) {
      const since = events.mark();
      command({ cmd: 'join', channel });
      return events.waitFor((e) => e.type === 'join' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own JOIN of ${channel}`,
      });
    },
    async part(channel, reason = 'bye', timeoutMs = WAIT_MS) {
      const since = events.mark();
      command({ cmd: 'part', channel, reason });
      return events.waitFor((e) => e.type === 'part' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own PART of ${channel}`,
      });
    },
    /** Sends a PRIVMSG; resolves once the bot handed it to its connection. */
    async say(channel, text, timeoutMs = WAIT_MS) {
      const id = nextId++;
      const since = events.mark();
      command({ cmd: 'say', channel, text, id });
      return events.waitFor((e) => e.type === 'sent' && e.id === id, { since, timeoutMs, what: `"${text}" to be sent` });
    },
    /** A raw IRC line, e.g. 'NAMES #room'. */
    raw: (line) => command({ cmd: 'raw', line }),
    quit: () => stop(true),
    kill: () => stop(false),
  };

  try {
    await events.waitFor((e) => e.type === 'registered', { what: 'registration (001)' });
  } catch (err) {
    await stop(false);
    throw err;
  }
  return driver;
}
