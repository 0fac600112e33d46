// Rooms past one machine: one room on a 3-node NATS cluster (scripts/cluster.mjs),
// with every kind of client on a different node and no code change:
//   node 1: Chromium with the SPA (MQTT over WebSocket, `?sig=`),
//   node 2: `party listen` and `party send` (MQTT over TCP),
//   node 3: party-bridge with irc-framework as the IRC client.
// Messages, presence, the Last Will and history must cross the nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startCluster } from '../scripts/cluster.mjs';
import { distDir, launchBrowser, uniqueRoom } from './support/stack.mjs';
import { startStaticHost } from './support/static_host.mjs';
import { enterRoom, ownHandle } from './support/door.mjs';
import { expect } from './support/expect.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { newIdentity, partyListen, partySend } from '../tests/irc/support/party.mjs';
import { sameChannel } from '../tests/irc/support/events.mjs';

const room = uniqueRoom('cluster');
const channel = `#${room}`;
let cluster;
let host;
let bridge;
let browser;
let viewer; // the browser page, on node 1
let listener; // `party listen`, on node 2
let irc; // irc-framework through the bridge, on node 3
let ircHandle;

before(async () => {
  cluster = await startCluster();
  host = await startStaticHost(distDir, '/');
  bridge = await startBridge({ broker: cluster.nodes[2].mqtt });
  browser = await launchBrowser();
});

after(async () => {
  await irc?.quit();
  await listener?.stop();
  await viewer?.context.close();
  await browser?.close();
  await bridge?.stop();
  await host?.stop();
  await cluster?.stop();
});

function message(page, text) {
  return page.getByTestId('message').filter({ hasText: text });
}

test('a browser, party listen and an IRC client on three nodes see each other in one room', async () => {
  listener = await partyListen(cluster.nodes[1].mqtt, room);
  viewer = await enterRoom(browser, `${host.url}${room}?sig=${encodeURIComponent(cluster.nodes[0].ws)}`);
  const browserHandle = await ownHandle(viewer.page);
  const nick = `fw${randomBytes(3).toString('hex')}`;
  irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick });
  await irc.join(channel);

  const ircPeer = await listener.events.waitFor(
    (e) => e.event === 'peer-joined' && e.name === nick,
    { what: `the IRC user ${nick} (node 3) at party listen (node 2)` },
  );
  ircHandle = ircPeer.handle;
  await listener.events.waitFor((e) => e.event === 'peer-joined' && e.handle === browserHandle, {
    what: `the browser (node 1) at party listen (node 2)`,
  });
  for (const handle of [listener.handle, ircHandle]) {
    await viewer.page.locator(`[data-testid=peer][data-handle="${handle}"]`).waitFor();
  }
  await irc.waitFor((e) => e.type === 'join' && e.nick === browserHandle && sameChannel(e.channel, channel), {
    what: `JOIN of the browser's handle on IRC`,
  });
});

test('messages cross every pair of nodes, signed and verified', async () => {
  await viewer.page.getByTestId('composer-input').fill('from node 1');
  await viewer.page.getByTestId('composer-input').press('Enter');
  const atListen = await listener.events.waitFor((e) => e.event === 'message' && e.text === 'from node 1', {
    what: 'the browser message at party listen',
  });
  assert.equal(atListen.verified, true);
  await irc.waitFor((e) => e.type === 'privmsg' && e.text === 'from node 1', { what: 'the browser message on IRC' });

  const sender = await newIdentity();
  await partySend(cluster.nodes[1].mqtt, sender.secret, room, 'from node 2');
  await expect(message(viewer.page, 'from node 2')).toBeVisible();
  assert.equal(await message(viewer.page, 'from node 2').getAttribute('data-verified'), 'true');
  await irc.waitFor((e) => e.type === 'privmsg' && e.text === 'from node 2', { what: 'the party send message on IRC' });

  await irc.say(channel, 'from node 3');
  await expect(message(viewer.page, 'from node 3')).toBeVisible();
  const fromIrc = await listener.events.waitFor((e) => e.event === 'message' && e.text === 'from node 3', {
    what: 'the IRC message at party listen',
  });
  assert.equal(fromIrc.verified, true);
  assert.equal(fromIrc.handle, ircHandle);
});

test('a joiner on another node gets the room history from the others', async () => {
  const late = await partyListen(cluster.nodes[2].mqtt, room);
  try {
    for (const text of ['from node 1', 'from node 2', 'from node 3']) {
      const replayed = await late.events.waitFor((e) => e.event === 'message' && e.text === text, {
        what: `"${text}" replayed to a joiner on node 3`,
      });
      assert.equal(replayed.history, true);
      assert.equal(replayed.verified, true);
    }
  } finally {
    await late.stop();
  }
});

test("a client that vanishes is seen leaving on every node through its Last Will", async () => {
  const gone = listener.handle;
  await listener.proc.stop('SIGKILL');
  listener = undefined;
  // Well before the 90 s presence timeout: the will fired on node 2.
  await viewer.page
    .locator(`[data-testid=peer][data-handle="${gone}"]`)
    .waitFor({ state: 'detached', timeout: 20_000 });
  await irc.waitFor((e) => e.type === 'part' && e.nick === gone && sameChannel(e.channel, channel), {
    what: `PART of ${gone} on IRC after its will`,
  });
  assert.deepEqual(viewer.errors, []);
});
