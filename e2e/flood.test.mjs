// A stranger cannot fill a room. Measured: 520 unsigned announces in 1.6 s made every
// newcomer invisible for 90 s in the browser, `party listen` and IRC. Now a signed
// newcomer that arrives right after such a flood is seen at once by all three.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { launchBrowser, startBroker, uniqueRoom } from './support/stack.mjs';
import { enterRoom } from './support/door.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';
import { sameChannel } from '../tests/irc/support/events.mjs';

/** `n` as lowercase letters, at least two (a handle's words need two). */
function letters(n) {
  let word = '';
  do {
    word = String.fromCharCode(97 + (n % 26)) + word;
    n = Math.floor(n / 26);
  } while (n > 0);
  return word.padStart(2, 'a');
}

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('a newcomer right after 520 forged unsigned announces is seen at once by a browser, party listen and IRC', async () => {
  const broker = await startBroker();
  cleanups.push(() => broker.stop());
  const bridge = await startBridge({ broker: broker.mqtt });
  cleanups.push(() => bridge.stop());
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const room = uniqueRoom('e2e-fill');
  const channel = `#${room}`;

  const watcher = await partyListen(broker.mqtt, room);
  cleanups.push(() => watcher.stop());
  const tab = await enterRoom(browser, `${broker.page}${room}`);
  cleanups.push(() => tab.context.close());
  const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: 'lookout' });
  cleanups.push(() => irc.quit());
  await irc.join(channel);

  const flooder = await mqtt.connectAsync(broker.mqtt, { protocolVersion: 4, clean: true });
  cleanups.push(() => flooder.endAsync());
  const topic = `party-2026-v1/party/${room}`;
  const started = Date.now();
  for (let i = 0; i < 520; i++) {
    const forged = {
      type: 'announce',
      handle: `fake-peer-${letters(i)}`,
      avatarSeed: randomBytes(16).toString('hex'),
      from: randomBytes(8).toString('hex'),
      t: Date.now(),
    };
    flooder.publish(topic, JSON.stringify(forged), { qos: 0 });
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 150));
  }
  await flooder.endAsync();
  assert.ok(Date.now() - started < 3_000, 'the flood took the measured 1.6 s or so');

  const sinceIrc = irc.events.mark();
  const sinceWatcher = watcher.events.mark();
  const newcomer = await partyListen(broker.mqtt, room);
  cleanups.push(() => newcomer.stop());
  const arrived = Date.now();
  await watcher.events.waitFor((e) => e.event === 'peer-joined' && e.handle === newcomer.handle, {
    since: sinceWatcher,
    what: 'the newcomer at party listen',
    timeoutMs: 5_000,
  });
  await tab.page.locator(`[data-testid=peer][data-handle="${newcomer.handle}"]`).waitFor({ timeout: 5_000 });
  await irc.waitFor((e) => e.type === 'join' && e.nick === newcomer.handle && sameChannel(e.channel, channel), {
    since: sinceIrc,
    what: 'the newcomer joining on IRC',
    timeoutMs: 5_000,
  });
  // Seen within a handful of seconds at the most (the measured defect hid it for
  // 90 s); the bound is loose on purpose: this is behaviour, not a benchmark.
  assert.ok(Date.now() - arrived < 5_000);
  assert.deepEqual(tab.errors, []);
});
