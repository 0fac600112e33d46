// The static deploy, as GitHub Pages serves it: dist/ from a plain static server
// under /party/, 404.html as the fallback, and a config.json naming a broker on
// another port (and the deploy's bridge, which invites list). A person joins a room
// there with a passkey.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, launchBrowser, distDir, uniqueRoom } from './support/stack.mjs';
import { waitLive } from './support/door.mjs';
import { expect } from './support/expect.mjs';
import { addAuthenticator, clearSiteData } from './support/passkey.mjs';
import { startStaticHost } from './support/static_host.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

let broker;
let pages;
let browser;

before(async () => {
  broker = await startBroker();
  pages = await startStaticHost(distDir, '/party/', {
    'config.json': JSON.stringify({ broker: broker.ws, irc: 'irc.example.org:6697', agentsHttp: 'https://agents.example.org' }),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await pages?.stop();
  await broker?.stop();
});

test('on a static deploy under /party/, a person opens a room link, makes a passkey, talks through the configured broker, clears everything, signs in and is the same handle with the same key', async () => {
  const room = uniqueRoom('e2e-pages');
  const listener = await partyListen(broker.mqtt, room);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(pages.url + room);
    const authenticator = await addAuthenticator(page);
    await page.getByTestId('start-party').click();
    await waitLive(page);
    await page.getByTestId('composer-input').fill('hello from the static deploy');
    await page.getByTestId('composer-input').press('Enter');
    const heard = await listener.waitFor((e) => e.event === 'message' && e.text === 'hello from the static deploy');
    assert.equal(heard.verified, true);
    assert.ok(!heard.handle.endsWith('-bot'), 'a person');

    // An invite lists every way in the deploy's config.json names.
    await page.getByTestId('agents').click();
    await page.getByTestId('invite-make').click();
    const invite = await page.getByTestId('invite-text').textContent();
    assert.match(invite, /party agent --broker \S+ --secret "\$PARTY_SECRET" --invite \S+/);
    assert.match(invite, /https:\/\/agents\.example\.org\/rooms\/\S+\/events/);
    assert.match(invite, /connect to irc\.example\.org:6697/);
    await page.keyboard.press('Escape');

    await clearSiteData(page, authenticator.cdp);
    await page.reload();
    await page.getByTestId('passkey-sign-in').click();
    await waitLive(page);
    await page.getByTestId('composer-input').fill('back again');
    await page.getByTestId('composer-input').press('Enter');
    const again = await listener.waitFor((e) => e.event === 'message' && e.text === 'back again');
    assert.equal(again.handle, heard.handle, 'the same handle');
    assert.equal(again.verified, true, 'the same key: still the pinned one');
    assert.deepEqual(
      listener.events.events.filter((e) => ['key-mismatch', 'key-conflict'].includes(e.event)),
      [],
    );
    assert.deepEqual(errors, []);
  } finally {
    await listener.stop();
    await context.close();
  }
});

test('the front page works under the base path, and a broken config.json is reported, not ignored', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pages.url);
  await page.getByTestId('start-party').waitFor();
  await context.close();

  const broken = await startStaticHost(distDir, '/party/', {
    'config.json': JSON.stringify({ broker: 'mqtt://not-a-websocket' }),
  });
  const other = await browser.newContext();
  try {
    const room = await other.newPage();
    await room.goto(broken.url + uniqueRoom('e2e-broken'));
    await addAuthenticator(room);
    await room.getByTestId('start-party').click();
    await expect(room.getByTestId('room-error')).toHaveText('config.json');
  } finally {
    await other.close();
    await broken.stop();
  }
});

test('on the static deploy, a room address with a trailing slash lands in the room, and the app can be installed', async () => {
  const room = uniqueRoom('e2e-pages-slash');
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${pages.url}${room}/`);
    await page.waitForURL((url) => url.pathname === `/party/${room}`);
    await expect(page.getByTestId('room-name')).toHaveText(room);

    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel=manifest]');
      const response = await fetch(link.href);
      const json = await response.json();
      const icons = await Promise.all(
        json.icons.map(async (icon) => {
          const r = await fetch(new URL(icon.src, response.url));
          return { src: icon.src, ok: r.ok, type: r.headers.get('content-type') };
        }),
      );
      return { name: json.name, display: json.display, icons };
    });
    assert.equal(manifest.name, 'Party');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.icons.some((i) => i.src === 'icon-512.png'), JSON.stringify(manifest));
    for (const icon of manifest.icons) assert.ok(icon.ok, `${icon.src} is served`);
  } finally {
    await context.close();
  }
});
