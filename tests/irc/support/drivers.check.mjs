// Self-check of the IRC client drivers against a reference server (Debian's ngircd),
// so that a failing bridge test can be told apart from a broken driver. Not part of
// the default run (the file name is not a test pattern); run it by hand:
//
//   node --test --test-concurrency=1 tests/irc/support/drivers.check.mjs
//
// Each driver meets an irc-framework peer in a fresh channel: it sees the peer JOIN,
// speak and PART, and the peer sees what the driver says. The server demands a
// password, so every driver's PASS is checked too (the bridge takes the agent
// secret that way).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startNgircd } from './bridge.mjs';
import { startWeechat } from './weechat.mjs';
import { startPyIrc, startPydle } from './pybot.mjs';
import { startIrcFramework } from './ircframework.mjs';

const DRIVERS = [
  ['weechat', startWeechat],
  ['python-irc', startPyIrc],
  ['pydle', startPydle],
  ['irc-framework', startIrcFramework],
];

// Shaped like an agent secret (base64url), which bridge clients send as PASS.
const PASSWORD = 'n5kXgxSvx7sNsJVhdzneRRG8tOnPgxadRxvHD53G-_c';
let server;
before(async () => {
  server = await startNgircd({ password: PASSWORD });
});
after(async () => {
  await server?.stop();
});

for (const [name, start] of DRIVERS) {
  describe(`${name} driver on ngircd`, () => {
    const channel = `#check-${randomBytes(3).toString('hex')}`;
    const nick = `${name.replace(/[^a-z]/g, '').slice(0, 8)}${randomBytes(2).toString('hex')}`;
    const peerNick = `peer${randomBytes(2).toString('hex')}`;
    let client;
    let peer;

    before(async () => {
      client = await start({ host: server.host, port: server.port, nick, password: PASSWORD });
      peer = await startIrcFramework({ host: server.host, port: server.port, nick: peerNick, password: PASSWORD });
    });
    after(async () => {
      await client?.quit();
      await peer?.quit();
    });

    test('joins, and sees a peer join, speak and part', async () => {
      const ownJoin = await client.join(channel);
      assert.equal(ownJoin.nick, nick);
      await peer.join(channel);
      await client.waitFor((e) => e.type === 'join' && e.nick === peerNick && e.channel.toLowerCase() === channel);
      const text = `hello ${randomBytes(4).toString('hex')} ünïcödé`;
      await peer.say(channel, text);
      const msg = await client.waitFor((e) => e.type === 'privmsg' && e.text === text);
      assert.equal(msg.nick, peerNick);
      assert.equal(msg.channel.toLowerCase(), channel);
      await peer.part(channel, 'leaving now');
      const part = await client.waitFor((e) => e.type === 'part' && e.nick === peerNick);
      assert.equal(part.text, 'leaving now');
    });

    test('what it says reaches the peer', async () => {
      await peer.join(channel);
      const text = `from ${name} ${randomBytes(4).toString('hex')} café ✓`;
      await client.say(channel, text);
      const msg = await peer.waitFor((e) => e.type === 'privmsg' && e.text === text);
      assert.equal(msg.nick, nick);
    });

    test('records raw lines and sees a quit', async () => {
      await client.waitFor((e) => e.type === 'raw' && / JOIN :?#check-/.test(e.line));
      await peer.quit();
      await client.waitFor((e) => e.type === 'quit' && e.nick === peerNick);
    });
  });
}
