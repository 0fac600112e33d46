// A Chromium room and an IRC client (irc-framework, the library behind Kiwi IRC)
// converse through the real stack: party-broker, party-bridge, the built SPA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, launchBrowser, uniqueRoom } from './support/stack.mjs';
import { enterRoom, ownHandle } from './support/door.mjs';
import { expect } from './support/expect.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';

let stack;
let bridge;
let browser;

before(async () => {
  stack = await startBroker();
  bridge = await startBridge({ broker: stack.mqtt });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await bridge?.stop();
  await stack?.stop();
});

test('a browser room and an IRC user see each other and talk both ways', async () => {
  const room = uniqueRoom('e2e-irc');
  const { context, page, errors } = await enterRoom(browser, stack.page + room);
  const browserHandle = await ownHandle(page);

  const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: 'ircuser' });
  try {
    await irc.join(`#${room}`);
    // The browser peer shows on IRC under its handle; the IRC user shows in the
    // browser as a signed agent with its nick next to its handle.
    await irc.waitFor((e) => e.type === 'join' && e.nick === browserHandle);
    const ircPeer = page.locator('[data-testid=peer][data-self=false]').filter({ hasText: '(ircuser)' });
    await expect(ircPeer).toBeVisible();
    assert.match(await ircPeer.getAttribute('data-handle'), /-bot$/);

    await irc.say(`#${room}`, 'hello browser, from IRC');
    const fromIrc = page.getByTestId('message').filter({ hasText: 'hello browser, from IRC' });
    await expect(fromIrc).toBeVisible();
    assert.equal(await fromIrc.getAttribute('data-verified'), 'true');
    assert.ok((await fromIrc.textContent()).includes('(ircuser)'));

    await page.getByTestId('composer-input').fill('hello IRC, from the browser');
    await page.getByTestId('composer-input').press('Enter');
    await irc.waitFor(
      (e) => e.type === 'privmsg' && e.nick === browserHandle && e.text === 'hello IRC, from the browser',
    );

    // Leaving the page is a PART on IRC.
    await context.close();
    await irc.waitFor((e) => e.type === 'part' && e.nick === browserHandle);
  } finally {
    await irc.quit();
  }
  assert.deepEqual(errors, []);
});
