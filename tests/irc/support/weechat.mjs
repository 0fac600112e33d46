// Drives WeeChat (weechat-headless, a real terminal IRC client without a terminal)
// as a user would: commands and typed text go in through its FIFO, and what it
// received is read back from its log files, i.e. exactly what it would show.
//
//   const c = await startWeechat({ host, port, nick, password });  // registered
//   await c.join('#room');              // resolves on our own JOIN
//   await c.say('#room', 'hi');         // resolves once WeeChat shows it as sent
//   await c.waitFor((e) => e.type === 'privmsg' && e.nick === 'x', 20_000);
//   await c.quit();
//
// Events: join/part/quit/privmsg/notice parsed from the channel logs, 'registered'
// (from the server's connect command), and 'raw' for every line WeeChat received,
// captured by a trigger (their `line` is the IRC line, for bug reports).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventLog, WAIT_MS, spawnTracked, within, sameChannel } from './events.mjs';

const BIN = process.env.WEECHAT_HEADLESS ?? '/usr/bin/weechat-headless';
const SERVER = 'party';
const POLL_MS = 25;
const REGISTERED = 'PARTY-DRIVER registered';

export async function startWeechat({ host, port, nick, username = 'weeuser', realname = 'WeeChat user', password }) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run scripts/setup (apt weechat-headless weechat-plugins)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'party-weechat-'));
  const logDir = path.join(dir, 'logs');
  // -r commands are evaluated (${...}): only plain values go here. Everything is
  // logged at once (flush_delay 0), nick modes are not glued to nicks, nothing is
  // hidden or delayed (smart filter, anti-flood), and the server's connect command
  // marks the end of registration in the core buffer's log.
  const setup = [
    '/set fifo.file.enabled on',
    '/set logger.file.flush_delay 0',
    `/set logger.file.path ${logDir}`,
    '/set logger.file.auto_log on',
    '/set logger.level.irc 9',
    '/set irc.look.nick_mode none',
    '/set irc.look.smart_filter off',
    '/set irc.look.buffer_switch_join off',
    '/set irc.server_default.ssl off',
    '/set irc.server_default.autoreconnect off',
    '/set irc.server_default.anti_flood_prio_high 0',
    '/set irc.server_default.anti_flood_prio_low 0',
    `/server add ${SERVER} ${host}/${port}`,
    `/set irc.server.${SERVER}.nicks ${nick}`,
    `/set irc.server.${SERVER}.nicks_alternate off`,
    `/set irc.server.${SERVER}.username ${username}`,
    `/set irc.server.${SERVER}.realname "${realname}"`,
    `/set irc.server.${SERVER}.command "/print -core ${REGISTERED}"`,
    ...(password ? [`/set irc.server.${SERVER}.password ${password}`] : []),
  ];
  for (const cmd of setup) {
    if (cmd.includes(';') || cmd.includes('${')) throw new Error(`unsafe weechat startup command: ${cmd}`);
  }
  const proc = spawnTracked(BIN, ['--stdout', '--dir', dir, '--no-script', '--plugins', 'irc,logger,fifo,trigger', '-r', setup.join(';')], {
    env: { ...process.env, TERM: 'dumb', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  const stdout = [];
  proc.child.stdout.on('data', (d) => {
    stdout.push(String(d));
    if (stdout.length > 200) stdout.shift();
  });

  const events = new EventLog(`weechat ${nick}`);
  events.context = () => `weechat stdout (tail):\n${stdout.join('').split('\n').slice(-20).join('\n')}\nstderr:\n${proc.stderrTail()}`;
  proc.exited.then((code) => events.close(`weechat exited: ${code}`));
  const tailer = logTailer(logDir, (file, line) => {
    for (const e of parseLogLine(file, line)) {
      events.push(e);
      // autoreconnect is off: a lost connection is the end of this client.
      if (e.type === 'disconnected') events.close('disconnected from the server');
    }
  });

  const fifo = path.join(dir, `weechat_fifo_${proc.child.pid}`);
  /** One FIFO line: `*text` for the core buffer, `irc.party.#chan *text` for a channel. */
  const send = async (line) => {
    if (line.includes('\n')) throw new Error('one line at a time');
    if (!proc.running()) throw events.failure('weechat is not running');
    await writeFile(fifo, `${line}\n`, { flag: 'a' });
  };

  const channels = new Map(); // lower-cased channel -> the server's spelling
  const bufferOf = (channel) => channels.get(channel.toLowerCase()) ?? channel;

  let stopped = false;
  const stop = async (how) => {
    if (stopped) return;
    stopped = true;
    if (how === 'quit' && proc.running()) {
      try {
        await send('*/quit bye');
        await within(10_000, 'weechat to exit after /quit', proc.exited);
      } catch {
        // fall through to the signal
      }
    }
    await proc.stop('SIGTERM', 5_000);
    await tailer.stop();
    if (!process.env.PARTY_IRC_KEEP) rmSync(dir, { recursive: true, force: true });
  };

  const driver = {
    name: 'weechat',
    nick,
    events,
    dir,
    waitFor: (match, opts) => events.waitFor(match, typeof opts === 'number' ? { timeoutMs: opts } : opts),
    async join(channel, timeoutMs = WAIT_MS) {
      const since = events.mark();
      await send(`irc.server.${SERVER} */join ${channel}`);
      const joined = await events.waitFor((e) => e.type === 'join' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own JOIN of ${channel}`,
      });
      // WeeChat names the buffer after the channel as the server spelled it.
      channels.set(channel.toLowerCase(), joined.channel);
      return joined;
    },
    async part(channel, reason = 'bye', timeoutMs = WAIT_MS) {
      const since = events.mark();
      await send(`irc.${SERVER}.${bufferOf(channel)} */part ${reason}`);
      return events.waitFor((e) => e.type === 'part' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own PART of ${channel}`,
      });
    },
    /** Types `text` into the channel's buffer; resolves once WeeChat displayed it as sent. */
    async say(channel, text, timeoutMs = WAIT_MS) {
      const since = events.mark();
      // A leading '/' would be a command; '//' is WeeChat's escape for it.
      await send(`irc.${SERVER}.${bufferOf(channel)} *${text.startsWith('/') ? `/${text}` : text}`);
      return events.waitFor(
        (e) => e.type === 'privmsg' && e.nick === nick && sameChannel(e.channel, channel) && e.text === text,
        { since, timeoutMs, what: `our own message "${text}" in ${channel}` },
      );
    },
    /** Any command as typed in the server buffer, e.g. '/names #room'. */
    command: (cmd) => send(`irc.server.${SERVER} *${cmd}`),
    quit: () => stop('quit'),
    kill: () => stop('kill'),
  };

  try {
    await within(WAIT_MS, 'weechat to create its FIFO', waitForFile(fifo, proc));
    // Raw incoming lines through a trigger (added here: FIFO text is not evaluated,
    // so ${tg_signal_data} reaches the trigger intact), then connect.
    await send('*/trigger add partyraw signal "*,irc_raw_in_*" "" "" "/print -core raw< ${tg_signal_data}"');
    await send(`*/connect ${SERVER}`);
    await events.waitFor((e) => e.type === 'registered', { what: 'registration (001)' });
  } catch (err) {
    await stop('kill');
    throw err;
  }
  return driver;
}

async function waitForFile(file, proc) {
  while (!existsSync(file)) {
    if (!proc.running()) throw new Error(`weechat exited before creating ${file}: ${proc.stderrTail()}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Follows every *.weechatlog file in `dir` (new files included), calling
 * onLine(fileBase, line) for each complete line, polling every POLL_MS.
 */
function logTailer(dir, onLine) {
  const files = new Map(); // name -> { offset, rest }
  let busy = false;
  let timer;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      let names = [];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.weechatlog')).sort();
      } catch {
        return; // not created yet
      }
      for (const name of names) {
        const state = files.get(name) ?? { offset: 0, rest: '' };
        files.set(name, state);
        const fh = await open(path.join(dir, name), 'r');
        try {
          const { size } = await fh.stat();
          if (size <= state.offset) continue;
          const buf = Buffer.alloc(size - state.offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, state.offset);
          state.offset += bytesRead;
          const text = state.rest + buf.subarray(0, bytesRead).toString('utf8');
          const lines = text.split('\n');
          state.rest = lines.pop();
          for (const line of lines) onLine(name.replace(/\.weechatlog$/, ''), line);
        } finally {
          await fh.close();
        }
      }
    } finally {
      busy = false;
    }
  };
  timer = setInterval(() => poll().catch(() => {}), POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, POLL_MS));
      await poll().catch(() => {});
    },
  };
}

const STATUS_PREFIXES = new Set(['--', '-->', '<--', '=!=', '*', ' *', '']);

/** Turns one log line of buffer `file` (e.g. `irc.party.#room`) into events. */
export function parseLogLine(file, line) {
  const [, prefix = '', message = ''] = line.match(/^[^\t]*\t([^\t]*)\t?(.*)$/) ?? [];
  const base = { line, buffer: file };
  if (file === 'core.weechat') {
    if (message === REGISTERED) return [{ ...base, type: 'registered' }];
    if (message.startsWith('raw< ')) return [{ ...base, type: 'raw', line: message.slice(5) }];
    return [{ ...base, type: 'core', text: message }];
  }
  const chan = file.match(/^irc\.[^.]+\.([#&+!].*)$/);
  if (!chan) {
    // Server buffer (irc.server.party) or a private buffer (irc.party.<nick>).
    if (/^irc\.server\./.test(file) && /^irc: disconnected from server/.test(message)) {
      return [{ ...base, type: 'disconnected', text: message }];
    }
    const query = file.match(/^irc\.(?!server\.)[^.]+\.(.+)$/);
    if (query && !STATUS_PREFIXES.has(prefix.trim()) && !STATUS_PREFIXES.has(prefix)) {
      return [{ ...base, type: 'privmsg', nick: prefix, channel: null, text: message }];
    }
    // A NOTICE to us from a user: "nick (user@host): text" in the server buffer.
    // (Notices from the server itself are only in the 'raw' events.)
    const notice = prefix === '--' && message.match(/^(\S+) \(([^)]*)\): (.*)$/);
    if (notice) return [{ ...base, type: 'notice', nick: notice[1], userhost: notice[2], channel: null, text: notice[3] }];
    return [{ ...base, type: 'server', text: message }];
  }
  const channel = chan[1];
  let m;
  if (prefix === '-->' && (m = message.match(/^(\S+) \(([^)]*)\) has joined (\S+)/))) {
    return [{ ...base, type: 'join', nick: m[1], userhost: m[2], channel: m[3] }];
  }
  if (prefix === '<--' && (m = message.match(/^(\S+) \(([^)]*)\) has left (\S+)(?: \((.*)\))?$/))) {
    return [{ ...base, type: 'part', nick: m[1], userhost: m[2], channel: m[3], text: m[4] ?? '' }];
  }
  if (prefix === '<--' && (m = message.match(/^(\S+) \(([^)]*)\) has quit(?: \((.*)\))?$/))) {
    return [{ ...base, type: 'quit', nick: m[1], userhost: m[2], channel, text: m[3] ?? '' }];
  }
  if (prefix === '--' && (m = message.match(/^Notice\((\S+)\)(?: -> \S+)?: (.*)$/))) {
    return [{ ...base, type: 'notice', nick: m[1], channel, text: m[2] }];
  }
  if (!STATUS_PREFIXES.has(prefix) && !/\s/.test(prefix)) {
    return [{ ...base, type: 'privmsg', nick: prefix, channel, text: message }];
  }
  return [{ ...base, type: 'status', channel, text: message }];
}
