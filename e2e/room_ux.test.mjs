// The room as people use it, in Chromium against the real party-broker: sharing,
// forgiving room names, the header, the people drawer on a phone, messages, the
// composer, offline as a state, unread counts, several rooms, themes and sound,
// and accessibility (axe-core). Screenshots of the front page, a room and the rooms
// list are kept in target/e2e-screenshots/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { useBrokerAndBrowser, startBroker, launchBrowser, party, uniqueRoom } from './support/stack.mjs';
import { enterRoom, passAgentDoor, ownHandle, waitLive } from './support/door.mjs';
import { expect } from './support/expect.mjs';
import { seriousViolations } from './support/axe.mjs';
import { keepScreenshot } from './support/screenshots.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

const env = useBrokerAndBrowser();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `enterRoom`, with the context closed after the file's tests. */
async function enter(url, { browser = env.browser, context: options = {} } = {}) {
  const entered = await enterRoom(browser, url, options);
  cleanups.push(() => entered.context.close().catch(() => {}));
  return entered;
}

function message(page, text) {
  return page.getByTestId('message').filter({ hasText: text });
}

async function say(page, text) {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

test('alone in a room, it says so and offers the link; Share copies the room link and says so', async () => {
  const room = uniqueRoom('ux-share');
  const a = await enter(env.stack.page + room, {
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
  });
  await expect(a.page.getByTestId('alone')).toBeVisible();
  await a.page.getByTestId('share').first().click();
  await expect(a.page.getByTestId('share-outcome').first()).toHaveText('Link copied');
  const copied = await a.page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, a.page.url());
  assert.ok(copied.endsWith(`/${room}`), copied);

  await enter(env.stack.page + room);
  await expect(a.page.getByTestId('alone')).toHaveCount(0);
  assert.deepEqual(a.errors, []);
});

test('room names are forgiving: case and spaces fold, a trailing slash goes, an impossible name gets a suggestion', async () => {
  const room = uniqueRoom('ux-names');
  const shouted = await enter(env.stack.page + room.toUpperCase().replace('-', '%20'));
  assert.equal(new URL(shouted.page.url()).pathname, `/${room}`);
  await expect(shouted.page.getByTestId('room-name')).toHaveText(room);

  const slashed = await enter(`${env.stack.page}${room}/`);
  assert.equal(new URL(slashed.page.url()).pathname, `/${room}`);

  const context = await env.browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(`${env.stack.page}%C3%BCber!`);
  await expect(page.getByTestId('bad-room')).toBeVisible();
  await expect(page.getByTestId('bad-room-suggestion')).toHaveText('ber');
  await expect(page.locator('h1')).toHaveText('No such room');
});

test('the header says whether the host is here and when the host left; a v1 host is a calm unverified state', async () => {
  const hostContext = await env.browser.newContext();
  cleanups.push(() => hostContext.close().catch(() => {}));
  const host = await hostContext.newPage();
  await host.goto(env.stack.page);
  await passAgentDoor(host);
  const handle = (await host.getByTestId('identity-handle').textContent()).trim();
  await host.getByTestId('open-my-room').click();
  await waitLive(host);

  const guest = await enter(env.stack.page + handle);
  await expect(guest.page.getByTestId('host-status')).toHaveAttribute('data-status', 'here');
  await host.getByTestId('leave-room').click();
  await expect(guest.page.getByTestId('host-status')).toHaveAttribute('data-status', 'left');
  await expect(guest.page.getByTestId('host-status')).toHaveText('the host left');

  // A v1 client hosting its own party: unsigned, which is all v1 can do.
  const v1Handle = 'new-misty-mouse';
  const v1 = await mqtt.connectAsync(env.stack.mqtt, { protocolVersion: 4, clean: true });
  cleanups.push(() => v1.endAsync());
  const announce = () =>
    v1.publishAsync(
      `party-2026-v1/party/${v1Handle}`,
      JSON.stringify({
        type: 'announce',
        handle: v1Handle,
        avatarSeed: '4bf5122f344554c53bde2ebb8cd2b7e3',
        from: '0a0b0c0d0e0f1011',
        t: Date.now(),
      }),
    );
  const visitor = await enter(env.stack.page + v1Handle);
  await announce();
  await expect(visitor.page.getByTestId('host-status')).toHaveAttribute('data-status', 'unverified');
  await expect(visitor.page.getByTestId('host-status')).toHaveText('host unverified (v1 client)');
  assert.equal(await visitor.page.locator('[data-testid=system-line].alarm').count(), 0, 'no red alarm');
});

test('on a phone the people list is a drawer behind the count, and the conversation gets most of the screen', async () => {
  const room = uniqueRoom('ux-phone');
  const other = await enter(env.stack.page + room);
  const phone = await enter(env.stack.page + room, { context: PHONE });
  const toggle = phone.page.getByTestId('peers-toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(phone.page.getByTestId('peers')).toBeHidden();
  await expect(toggle).toContainText('2');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(phone.page.locator(`[data-testid=peer][data-handle="${await ownHandle(other.page)}"]`)).toBeVisible();
  await phone.page.getByRole('button', { name: 'Close the list' }).click();
  await expect(phone.page.getByTestId('peers')).toBeHidden();

  await say(other.page, 'hello phone');
  await expect(message(phone.page, 'hello phone')).toBeVisible();
  const log = await phone.page.locator('.log').boundingBox();
  assert.ok(log.height >= 0.6 * 844, `the conversation is ${log.height}px of 844`);
  // The composer is on screen, above the fold.
  const composer = await phone.page.locator('.composer').boundingBox();
  assert.ok(composer.y + composer.height <= 844 + 1, JSON.stringify(composer));
  await keepScreenshot(phone.page, 'room-phone');
  await keepScreenshot(other.page, 'room-desktop');
});

test('messages group by sender; links open safely, handles lead to rooms, mentions and actions stand out, long ones fold', async () => {
  const room = uniqueRoom('ux-messages');
  const a = await enter(env.stack.page + room);
  const b = await enter(env.stack.page + room);
  const handleB = await ownHandle(b.page);
  await say(a.page, 'first of two');
  await expect(message(b.page, 'first of two')).toBeVisible();
  await say(a.page, 'second of two');
  await expect(message(b.page, 'second of two')).toBeVisible();
  assert.match(await message(b.page, 'first of two').getAttribute('class'), /group-start/);
  assert.doesNotMatch(await message(b.page, 'second of two').getAttribute('class'), /group-start/);

  await say(a.page, `see https://example.com/x?y=1. and @${handleB} <b>not bold</b>`);
  const linked = message(b.page, 'see https://example.com/x');
  await expect(linked).toBeVisible();
  const link = linked.locator('a[href="https://example.com/x?y=1"]');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await linked.getAttribute('data-mention'), 'true');
  assert.equal(await linked.locator('b').count(), 0, 'markup stays text');
  assert.equal(await message(a.page, 'see https://example.com/x').getAttribute('data-mention'), 'false');

  const identity = JSON.parse(await party(['identity', 'new']));
  await party(['send', '--broker', env.stack.mqtt, '--secret', identity.secret, room, `/me waves at ${handleB}`]);
  const action = message(b.page, 'waves at');
  await expect(action).toBeVisible();
  assert.match(await action.getAttribute('class'), /action/);
  await expect(action.getByTestId('message-text')).toContainText(`* ${identity.handle} waves at`);
  const handleLink = action.locator(`a.handle-link[href="./${handleB}"]`);
  assert.equal(await handleLink.count(), 0, 'our own handle is a mention, not a link');
  await expect(action.locator('mark.mention')).toHaveText(handleB);

  await say(a.page, `a long one ${'word '.repeat(200)}end`);
  const long = message(b.page, 'a long one');
  await expect(long.getByTestId('show-more')).toHaveText('Show more');
  assert.match(await long.getByTestId('message-text').getAttribute('class'), /folded/);
  await long.getByTestId('show-more').click();
  assert.doesNotMatch(await long.getByTestId('message-text').getAttribute('class'), /folded/);
  assert.deepEqual(b.errors, []);
});

test('the composer: Send waits for text, a counter shows near the limit, Shift+Enter breaks the line and Enter sends', async () => {
  const room = uniqueRoom('ux-composer');
  const a = await enter(env.stack.page + room);
  const input = a.page.getByTestId('composer-input');
  await expect(input).toBeFocused();
  await expect(a.page.getByTestId('composer-send')).toBeDisabled();
  await expect(a.page.getByTestId('composer-counter')).toHaveCount(0);
  await input.fill('x'.repeat(3700));
  await expect(a.page.getByTestId('composer-counter')).toHaveText('3700 / 4000');
  await expect(a.page.getByTestId('composer-send')).toBeEnabled();
  await input.fill('line one');
  await input.press('Shift+Enter');
  await input.type('line two');
  await input.press('Enter');
  const sent = message(a.page, 'line one');
  await expect(sent).toHaveAttribute('data-status', 'sent');
  assert.equal(await sent.getByTestId('message-text').textContent(), 'line one\nline two');
  await expect(input).toHaveValue('');
});

test('offline is a state: a banner with a countdown and Retry now, what is sent waits as pending, goes out on reconnect, and the gap is marked', async () => {
  let broker = await startBroker();
  const ports = { httpPort: broker.httpPort, mqttPort: broker.mqttPort };
  cleanups.push(() => broker.stop());
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const room = uniqueRoom('ux-offline');
  const tab = await enter(broker.page + room, { browser });

  await broker.stop('SIGKILL');
  await expect(tab.page.getByTestId('offline-banner')).toBeVisible();
  await expect(tab.page.getByTestId('offline-banner')).toContainText(/retrying in \d+ s|trying again/);
  await expect(tab.page.getByTestId('connection-state')).toHaveText('offline');
  await expect(tab.page.locator('#peers-title')).toHaveText('Last seen here (offline)');
  await expect(tab.page.getByTestId('composer-input')).toBeEditable();
  await say(tab.page, 'written while offline');
  const pending = message(tab.page, 'written while offline');
  await expect(pending).toHaveAttribute('data-status', 'pending');
  await expect(pending.getByTestId('delivery')).toHaveText('not sent yet');

  broker = await startBroker(ports);
  const listener = await partyListen(broker.mqtt, room);
  cleanups.push(() => listener.stop());
  await tab.page.getByTestId('retry-now').click().catch(() => {});
  await waitLive(tab.page);
  await expect(pending).toHaveAttribute('data-status', 'sent');
  await listener.waitFor((e) => e.event === 'message' && e.text === 'written while offline');
  await expect(tab.page.getByTestId('offline-banner')).toHaveCount(0);
  await expect(tab.page.getByTestId('system-line').filter({ hasText: /^\d\d:\d\d Offline \d\d:\d\d–\d\d:\d\d$/ })).toHaveCount(1);
  assert.deepEqual(tab.errors, []);
});

// core::limits::OUTBOX_MAX_AGE_MS: a message that could not go out for this long
// would land out of sight in everyone's scrollback, so it fails instead.
const OUTBOX_MAX_AGE_MS = 5 * 60_000;

test('a message that cannot go out for 5 minutes is marked failed, never sent behind the sender\'s back, and Retry sends it once', async () => {
  let broker = await startBroker();
  const ports = { httpPort: broker.httpPort, mqttPort: broker.mqttPort };
  cleanups.push(() => broker.stop());
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const room = uniqueRoom('ux-failed');
  const tab = await enter(broker.page + room, { browser });
  // The page's clock runs on as usual, but can be moved on 5 minutes at once.
  await tab.page.clock.install();

  await broker.stop('SIGKILL');
  await expect(tab.page.getByTestId('connection-state')).toHaveText('offline');
  await say(tab.page, 'stuck behind an outage');
  const stuck = message(tab.page, 'stuck behind an outage');
  await expect(stuck).toHaveAttribute('data-status', 'pending');
  await tab.page.clock.fastForward(OUTBOX_MAX_AGE_MS + 1_000);
  await expect(stuck).toHaveAttribute('data-status', 'failed');
  await expect(stuck.getByTestId('retry')).toBeVisible();

  broker = await startBroker(ports);
  const listener = await partyListen(broker.mqtt, room);
  cleanups.push(() => listener.stop());
  await tab.page.getByTestId('retry-now').click().catch(() => {});
  await waitLive(tab.page);
  await expect(stuck).toHaveAttribute('data-status', 'failed');
  await stuck.getByTestId('retry').click();
  await expect(stuck).toHaveCount(1);
  await expect(stuck).toHaveAttribute('data-status', 'sent');
  await listener.waitFor((e) => e.event === 'message' && e.text === 'stuck behind an outage');
  // Anything that would have gone out twice (the failed copy on reconnect, or the
  // retry) has reached the listener by the time a later message has.
  await say(tab.page, 'after the retry');
  await listener.waitFor((e) => e.event === 'message' && e.text === 'after the retry');
  const copies = listener.events.events.filter((e) => e.event === 'message' && e.text === 'stuck behind an outage');
  assert.equal(copies.length, 1, 'sent once, by the retry');
  assert.deepEqual(tab.errors, []);
});

test('unread: the title counts messages while the tab is hidden, and a pill offers new messages when scrolled up', async () => {
  const room = uniqueRoom('ux-unread');
  const a = await enter(env.stack.page + room);
  const b = await enter(env.stack.page + room);
  await a.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await say(b.page, 'while you were away');
  await expect(message(a.page, 'while you were away')).toBeVisible();
  await a.page.waitForFunction(() => document.title === `(1) ${location.pathname.slice(1)} · Party`);
  await a.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await a.page.waitForFunction(() => !document.title.startsWith('('));

  for (let i = 0; i < 30; i += 1) await say(b.page, `filler ${i}`);
  await expect(message(a.page, 'filler 29')).toBeVisible();
  await a.page.locator('.log').evaluate((log) => {
    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
  });
  await say(b.page, 'below the fold');
  await expect(a.page.getByTestId('new-messages')).toBeVisible();
  await a.page.getByTestId('new-messages').click();
  await expect(a.page.getByTestId('new-messages')).toHaveCount(0);
  await expect(message(a.page, 'below the fold')).toBeInViewport();
});

test('several rooms: /rooms lists the rooms this tab is in, connected in the background, with unread counts and a Leave each', async () => {
  const first = uniqueRoom('ux-first');
  const second = uniqueRoom('ux-second');
  const tab = await enter(env.stack.page + first);
  // Through the front page's room opener: no reload, the first room stays connected.
  await tab.page.locator('.brand').click();
  await tab.page.getByTestId('room-name-input').fill(second);
  await tab.page.getByTestId('room-name-input').press('Enter');
  await waitLive(tab.page);
  await expect(tab.page.getByTestId('room-name')).toHaveText(second);

  await tab.page.getByTestId('rooms-link').click();
  const list = tab.page.getByTestId('rooms-list');
  await expect(list.getByTestId('open-room')).toHaveCount(2);
  await expect(list.locator(`[data-room="${first}"]`)).toHaveAttribute('data-state', 'live');
  await expect(list.locator(`[data-room="${second}"]`)).toHaveAttribute('data-state', 'live');

  const identity = JSON.parse(await party(['identity', 'new']));
  await party(['send', '--broker', env.stack.mqtt, '--secret', identity.secret, first, 'news from the first room']);
  await expect(list.locator(`[data-room="${first}"]`).getByTestId('room-unread')).toHaveText('1');
  await expect(tab.page.getByTestId('rooms-unread')).toHaveText('1');
  await keepScreenshot(tab.page, 'rooms-list-desktop');

  await list.locator(`[data-room="${second}"]`).getByTestId('leave-room').click();
  await expect(list.getByTestId('open-room')).toHaveCount(1);
  await list.locator(`[data-room="${first}"] a`).click();
  await expect(message(tab.page, 'news from the first room')).toBeVisible();
  await expect(tab.page.getByTestId('rooms-unread')).toHaveCount(0);
  assert.deepEqual(tab.errors, []);
});

/** app/style.css: --bg, light and dark. */
const LIGHT_BACKGROUND = 'rgb(246, 246, 244)';
const DARK_BACKGROUND = 'rgb(19, 20, 24)';

test('the theme and the sound switch are remembered', async () => {
  // The system says light; Dark overrides it, Auto follows it again.
  const context = await env.browser.newContext({ colorScheme: 'light' });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.goto(env.stack.page);
  assert.equal(await background(), LIGHT_BACKGROUND);
  await page.getByTestId('settings').click();
  await page.getByTestId('theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  assert.equal(await background(), DARK_BACKGROUND);
  await page.getByTestId('mute').click();
  await expect(page.getByTestId('mute')).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('mute')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('settings').click();
  await page.getByTestId('theme').selectOption('auto');
  assert.equal(await page.locator('html').getAttribute('data-theme'), null);
  assert.equal(await background(), LIGHT_BACKGROUND);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(), DARK_BACKGROUND);
});

test('accessibility: axe-core finds nothing serious on the front page, a room and the rooms list, on a desktop and a phone', async () => {
  for (const [label, options] of [['desktop', {}], ['phone', PHONE]]) {
    const context = await env.browser.newContext(options);
    cleanups.push(() => context.close().catch(() => {}));
    const page = await context.newPage();
    await page.goto(env.stack.page);
    await page.getByTestId('start-party').waitFor();
    assert.deepEqual(await seriousViolations(page), [], `front page (${label})`);
    await keepScreenshot(page, `front-${label}`);

    await passAgentDoor(page);
    await page.getByTestId('identity-handle').waitFor();
    await page.getByTestId('room-name-input').fill(uniqueRoom('ux-axe'));
    await page.getByTestId('room-name-input').press('Enter');
    await waitLive(page);
    await say(page, 'checking https://example.com and the rest');
    await expect(page.getByTestId('message')).toHaveCount(1);
    assert.deepEqual(await seriousViolations(page), [], `room (${label})`);

    await page.getByTestId('rooms-link').click();
    await page.getByTestId('rooms-list').waitFor();
    assert.deepEqual(await seriousViolations(page), [], `rooms list (${label})`);
    await keepScreenshot(page, `rooms-list-${label}`);
    await context.close();
  }
});

test('typing shows to others for a few seconds (an agent "is working on an answer"), ends with the message, and can be turned off', async () => {
  const room = uniqueRoom('ux-typing');
  const a = await enter(env.stack.page + room);
  const b = await enter(env.stack.page + room);
  const handleA = await ownHandle(a.page);
  // Typing is no sign of life: B shows it once it knows A.
  await b.page.locator(`[data-testid=peer][data-handle="${handleA}"]`).waitFor();
  await a.page.getByTestId('composer-input').fill('half a thou');
  // Both came in through the agent door: an agent writing is working on an answer.
  await expect(b.page.getByTestId('typing')).toHaveText(`${handleA} is working on an answer…`);
  await a.page.getByTestId('composer-input').press('Enter');
  await expect(message(b.page, 'half a thou')).toBeVisible();
  await expect(b.page.getByTestId('typing')).toContainText(/^$/);

  await a.page.getByTestId('settings').click();
  await a.page.getByTestId('share-typing').uncheck();
  await a.page.getByTestId('settings').click();
  await a.page.getByTestId('composer-input').fill('quietly');
  await a.page.getByTestId('composer-input').press('Enter');
  await expect(message(b.page, 'quietly')).toBeVisible();
  assert.equal(await b.page.getByTestId('typing').textContent(), '', 'nothing was shown while A wrote');
});

test('after its first message a tab may notify: a mention while hidden raises a notification, other messages do not', async () => {
  const room = uniqueRoom('ux-notify');
  const a = await enter(env.stack.page + room, { context: { permissions: ['notifications'] } });
  // Records what the page asks of the real Notification API (which still runs).
  await a.page.evaluate(() => {
    const Real = window.Notification;
    window.__notified = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notified.push({ title, body: options?.body });
      }
    };
    window.Notification.requestPermission = Real.requestPermission.bind(Real);
    Object.defineProperty(window.Notification, 'permission', { get: () => Real.permission });
  });
  const b = await enter(env.stack.page + room);
  const handleA = await ownHandle(a.page);
  await say(a.page, 'hello, I am here');
  await expect(message(b.page, 'hello, I am here')).toBeVisible();
  await a.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await say(b.page, 'nothing for you');
  await say(b.page, `@${handleA} look at this`);
  await expect(message(a.page, 'look at this')).toBeVisible();
  const notified = await a.page.evaluate(() => window.__notified);
  assert.equal(notified.length, 1, JSON.stringify(notified));
  assert.equal(notified[0].title, `${await ownHandle(b.page)} in ${room}`);
  assert.equal(notified[0].body, `@${handleA} look at this`);
});
