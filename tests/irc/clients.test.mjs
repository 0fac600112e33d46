// Real IRC clients on party-bridge: WeeChat (a terminal client, driven through its
// FIFO and read back from its logs), a bot on Python's `irc` library, a pydle bot
// and irc-framework (Node) each join a fresh room and must see Party traffic as IRC
// and be seen by Party as a signed agent peer named by its nick.
//
// Run from the repository root: `node --test --test-concurrency=1 tests/irc/`.
// Binaries come from $PARTY_BIN_DIR (default target/debug); the Python bots run
// from .venv/ (scripts/setup). Party peers come and go as `party listen`, speak with
// `party send`; on IRC they are nicks named by their handle. A client registering
// with PASS <agent secret> is that agent in the room, and without PASS the bridge
// mints a key and tells the client its secret in a NOTICE.
//
// If a test here fails, `node --test tests/irc/support/drivers.check.mjs` runs the
// same drivers against ngircd, to tell a driver fault from a bridge fault.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { party, startBroker, uniqueRoom } from '../../e2e/support/stack.mjs';
import { startBridge } from './support/bridge.mjs';
import { startWeechat } from './support/weechat.mjs';
import { startPyIrc, startPydle } from './support/pybot.mjs';
import { startIrcFramework } from './support/ircframework.mjs';
import { newIdentity, partyListen, partySend } from './support/party.mjs';
import { sameChannel } from './support/events.mjs';

// `pass`: the client registers with PASS <agent secret> (a returning agent) rather
// than letting the bridge mint a key.
const CLIENTS = [
  { name: 'WeeChat', nickPrefix: 'wee', start: startWeechat, pass: true },
  { name: 'Python irc', nickPrefix: 'py', start: startPyIrc, pass: true },
  { name: 'pydle', nickPrefix: 'pd', start: startPydle, pass: false },
  { name: 'irc-framework', nickPrefix: 'fw', start: startIrcFramework, pass: false },
];

let broker;
let bridge;

before(async () => {
  broker = await startBroker();
  bridge = await startBridge({ broker: broker.mqtt });
});

after(async () => {
  await bridge?.stop();
  await broker?.stop();
});

for (const spec of CLIENTS) {
  describe(`${spec.name} on party-bridge (${spec.pass ? 'PASS <secret>' : 'no PASS'})`, () => {
    const room = uniqueRoom('irc');
    const channel = `#${room}`;
    const nick = `${spec.nickPrefix}${randomBytes(3).toString('hex')}`;
    let identity; // the agent identity given with PASS, if any
    let observer; // `party listen` in the room for the whole block
    let client;
    let clientHandle; // the client's handle as Party peers see it

    before(async () => {
      identity = spec.pass ? await newIdentity() : undefined;
      observer = await partyListen(broker.mqtt, room);
      client = await spec.start({ host: bridge.host, port: bridge.port, nick, password: identity?.secret });
    });

    after(async () => {
      await client?.quit();
      await observer?.stop();
    });

    test('joining the channel makes the client a verified Party peer under its agent handle', async () => {
      const join = await client.join(channel);
      assert.equal(join.nick, nick);
      const joined = await observer.waitFor(
        (e) => e.event === 'peer-joined' && e.handle !== observer.handle && (!identity || e.handle === identity.handle),
        { what: `the IRC client (${nick}) to join the room as a Party peer` },
      );
      assert.match(joined.handle, /^[a-z]+-[a-z]+-[a-z]+-bot$/);
      assert.equal(joined.verified, true);
      assert.equal(joined.name, nick, 'its nick is its display name in the room');
      if (identity) assert.equal(joined.handle, identity.handle);
      clientHandle = joined.handle;
    });

    test("sees a `party send` message as a PRIVMSG from the sender's handle", async () => {
      const sender = await newIdentity();
      const text = `from party ${randomBytes(4).toString('hex')} café ✓`;
      await partySend(broker.mqtt, sender.secret, room, text);
      const msg = await client.waitFor(
        (e) => e.type === 'privmsg' && e.text === text,
        { what: `PRIVMSG "${text}" from ${sender.handle}` },
      );
      assert.equal(msg.nick, sender.handle);
      assert.ok(sameChannel(msg.channel, channel), `PRIVMSG went to ${msg.channel}, not ${channel}`);
    });

    test('a CTCP request inside room text reaches it shown as symbols, never as CTCP', async () => {
      const sender = await newIdentity();
      const marker = randomBytes(4).toString('hex');
      await partySend(broker.mqtt, sender.secret, room, `\u0001VERSION\u0001 ${marker}`);
      const msg = await client.waitFor((e) => e.type === 'privmsg' && (e.text ?? '').includes(marker), {
        what: `the room text carrying ${marker}`,
      });
      assert.equal(msg.text, `\u2401VERSION\u2401 ${marker}`);
    });

    test('its PRIVMSG reaches `party listen` as a verified message named by its nick', async () => {
      const text = `from ${spec.name} ${randomBytes(4).toString('hex')} café ✓`;
      await client.say(channel, text);
      const msg = await observer.waitFor((e) => e.event === 'message' && e.text === text, {
        what: `the message "${text}" from ${nick}`,
      });
      assert.equal(msg.verified, true);
      assert.equal(msg.name, nick);
      assert.match(msg.handle, /-bot$/);
      if (clientHandle) assert.equal(msg.handle, clientHandle);
      if (identity) assert.equal(msg.handle, identity.handle);
    });

    test('sees a Party peer arrive as JOIN and leave as PART under its handle', async () => {
      const peer = await newIdentity();
      const since = client.events.mark();
      const listener = await partyListen(broker.mqtt, room, { secret: peer.secret });
      try {
        assert.equal(listener.handle, peer.handle);
        const join = await client.waitFor(
          (e) => e.type === 'join' && e.nick === peer.handle && sameChannel(e.channel, channel),
          { since, what: `JOIN of ${peer.handle}` },
        );
        assert.equal(join.nick, peer.handle);
      } finally {
        assert.equal(await listener.stop(), 0, 'party listen exits 0 on SIGTERM');
      }
      const part = await client.waitFor(
        (e) => e.type === 'part' && e.nick === peer.handle && sameChannel(e.channel, channel),
        { since, what: `PART of ${peer.handle}` },
      );
      assert.equal(part.nick, peer.handle);
    });

    if (!spec.pass) {
      test('without PASS is told in a NOTICE the secret that keeps its minted handle', async () => {
        const notice = await client.waitFor((e) => e.type === 'notice' && /PASS [A-Za-z0-9_-]{16,}/.test(e.text ?? ''), {
          what: 'a NOTICE containing PASS <secret>',
        });
        const secret = notice.text.match(/PASS ([A-Za-z0-9_-]{16,})/)[1];
        const shown = JSON.parse(await party(['identity', 'show', '--secret', secret]));
        assert.ok(clientHandle, 'the client joined the room under a handle (first test)');
        assert.equal(shown.handle, clientHandle);
      });
    }
  });
}
