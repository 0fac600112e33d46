// Drives irc-framework (npm), the IRC library behind Kiwi IRC, in this process.
//
//   const c = await startIrcFramework({ host, port, nick, password });  // registered
//   await c.join('#room'); await c.say('#room', 'hi');
//   await c.waitFor((e) => e.type === 'privmsg' && e.nick === 'x', 20_000);
//   await c.quit();
//
// Events: { type: 'raw', line } for every line received, then the library's parsed
// view: registered, join, part, quit, privmsg, notice, close.
// irc-framework drops channel traffic that arrives before it processed its own
// JOIN, so join() resolves only after that.
import IRC from 'irc-framework';
import { EventLog, WAIT_MS, within, sameChannel } from './events.mjs';

export async function startIrcFramework({ host, port, nick, username = 'ircfw', realname = 'irc-framework user', password }) {
  const client = new IRC.Client({
    host,
    port,
    nick,
    username,
    gecos: realname,
    password,
    auto_reconnect: false,
    enable_echomessage: false,
    ping_interval: 30,
  });
  const events = new EventLog(`irc-framework ${nick}`);
  const push = (type, fields) => events.push({ type, ...fields });
  client.on('raw', (e) => {
    if (e.from_server) push('raw', { line: e.line.replace(/\r?\n$/, '') });
  });
  client.on('registered', (e) => push('registered', { nick: e.nick, line: `registered as ${e.nick}` }));
  client.on('join', (e) =>
    push('join', { nick: e.nick, channel: e.channel, line: `:${e.nick}!${e.ident}@${e.hostname} JOIN ${e.channel}` }),
  );
  client.on('part', (e) =>
    push('part', {
      nick: e.nick,
      channel: e.channel,
      text: e.message ?? '',
      line: `:${e.nick}!${e.ident}@${e.hostname} PART ${e.channel} :${e.message ?? ''}`,
    }),
  );
  client.on('quit', (e) =>
    push('quit', { nick: e.nick, text: e.message ?? '', line: `:${e.nick}!${e.ident}@${e.hostname} QUIT :${e.message ?? ''}` }),
  );
  client.on('privmsg', (e) =>
    push('privmsg', { nick: e.nick, channel: e.target, text: e.message, line: `:${e.nick} PRIVMSG ${e.target} :${e.message}` }),
  );
  client.on('notice', (e) =>
    push('notice', { nick: e.nick, channel: e.target, text: e.message, line: `:${e.nick} NOTICE ${e.target} :${e.message}` }),
  );
  client.on('irc error', (e) => push('error', { text: e.reason ?? e.error, line: `irc error: ${JSON.stringify(e)}` }));
  client.on('close', () => {
    push('close', { line: 'connection closed' });
    events.close('connection closed');
  });

  let stopped = false;
  const closed = new Promise((resolve) => client.once('close', resolve));
  const stop = async (graceful) => {
    if (stopped) return;
    stopped = true;
    if (client.connected) {
      if (graceful) client.quit('bye');
      else client.connection.end();
      try {
        await within(10_000, 'irc-framework to close its connection', closed);
      } catch {
        client.connection.end();
      }
    }
    client.removeAllListeners();
  };

  const driver = {
    name: 'irc-framework',
    nick,
    client,
    events,
    waitFor: (match, opts) => events.waitFor(match, typeof opts === 'number' ? { timeoutMs: opts } : opts),
    async join(channel, timeoutMs = WAIT_MS) {
      const since = events.mark();
      client.join(channel);
      return events.waitFor((e) => e.type === 'join' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own JOIN of ${channel}`,
      });
    },
    async part(channel, reason = 'bye', timeoutMs = WAIT_MS) {
      const since = events.mark();
      client.part(channel, reason);
      return events.waitFor((e) => e.type === 'part' && e.nick === nick && sameChannel(e.channel, channel), {
        since,
        timeoutMs,
        what: `our own PART of ${channel}`,
      });
    },
    /** Sends a PRIVMSG; irc-framework writes it to the socket at once. */
    async say(channel, text) {
      if (!client.connected) throw events.failure('irc-framework is not connected');
      client.say(channel, text);
    },
    raw: (line) => client.raw(line),
    quit: () => stop(true),
    kill: () => stop(false),
  };

  client.connect();
  try {
    await events.waitFor((e) => e.type === 'registered', { what: 'registration (001)' });
  } catch (err) {
    await stop(false);
    throw err;
  }
  return driver;
}
