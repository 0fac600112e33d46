// People with passkeys, in headless Chromium with a CDP virtual authenticator
// (resident keys, user verification, PRF), against the real party-broker, the
// `party` CLI and mqtt.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { useBrokerAndBrowser, launchBrowser, uniqueRoom } from './support/stack.mjs';
import { passAgentDoor, waitLive } from './support/door.mjs';
import { expect } from './support/expect.mjs';
import { addAuthenticator, clearSiteData, countCeremonies, linkKey, startParty } from './support/passkey.mjs';
import { newKey, peerId, signed, v1Identity } from './support/envelope.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

const words = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '..', 'core', 'vectors', 'words.json'), 'utf8'),
);

const env = useBrokerAndBrowser();

async function newPage(url = env.stack.page) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, errors };
}

test('Start party makes a passkey whose handle is Party v1\'s derivation of its credential id', async () => {
  const { context, page, errors } = await newPage();
  const authenticator = await addAuthenticator(page);
  const handle = await startParty(page);
  const [credential] = await authenticator.credentials();
  assert.ok(credential.isResidentCredential, 'a discoverable credential');
  const expected = v1Identity(Buffer.from(credential.credentialId, 'base64'), words);
  assert.equal(handle, expected.handle);
  assert.match(handle, /^[a-z]{2,10}-[a-z]{2,10}-[a-z]{2,12}$/, 'a person, not -bot');
  // Their own party: the address bar carries the share link (v1's a=, our k=).
  const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(fragment.get('a'), expected.avatarSeed);
  assert.match(fragment.get('k'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    await page.locator(`[data-testid=peer][data-handle="${handle}"]`).getAttribute('data-host'),
    'true',
  );
  // Other rooms keep their own address: the host's fragment is not written there.
  await page.goto(env.stack.page + uniqueRoom('e2e-elsewhere'));
  await waitLive(page);
  assert.equal(new URL(page.url()).hash, '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a reload asks for no passkey; after clearing all site data, signing in gives back the same handle and key: a listener that pinned it sees no mismatch', async () => {
  const room = uniqueRoom('e2e-pk');
  const context = await env.browser.newContext();
  await countCeremonies(context);
  const page = await context.newPage();
  await page.goto(env.stack.page + room);
  const authenticator = await addAuthenticator(page);
  await page.getByTestId('start-party').click();
  await waitLive(page);
  const handle = await page.locator('[data-testid=peer][data-self=true]').getAttribute('data-handle');
  const listener = await partyListen(env.stack.mqtt, room);
  try {
    await page.reload();
    await waitLive(page);
    assert.equal(await page.evaluate(() => window.partyWebAuthnCalls), 0, 'no prompt on reload');
    await page.getByTestId('composer-input').fill('before clearing');
    await page.getByTestId('composer-input').press('Enter');
    await listener.waitFor((e) => e.event === 'message' && e.text === 'before clearing' && e.verified);

    await clearSiteData(page, authenticator.cdp);
    await page.reload();
    // No identity any more: the room's entry screen, and the passkey signs back in.
    await page.getByTestId('passkey-sign-in').click();
    await waitLive(page);
    assert.equal(
      await page.locator('[data-testid=peer][data-self=true]').getAttribute('data-handle'),
      handle,
    );
    await page.getByTestId('composer-input').fill('after signing in again');
    await page.getByTestId('composer-input').press('Enter');
    const after = await listener.waitFor((e) => e.event === 'message' && e.text === 'after signing in again');
    assert.equal(after.verified, true);
    assert.equal(after.trust, 'verified');
    assert.equal(after.handle, handle);
    const alarms = listener.events.events.filter((e) => ['key-mismatch', 'key-conflict'].includes(e.event));
    assert.deepEqual(alarms, [], 'the same key as before');
  } finally {
    await listener.stop();
    await context.close();
  }
});

test('Sign out and Clear my data, each on a second tap, leave the passkey to sign back in as the same person', async () => {
  const { context, page } = await newPage();
  await addAuthenticator(page);
  const handle = await startParty(page);
  const key = linkKey(page.url());
  await page.goto(env.stack.page);
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-out-confirm').click();
  await page.getByTestId('passkey-sign-in').click();
  await expect(page.getByTestId('identity-handle')).toHaveText(handle);
  assert.equal(linkKey(await page.getByTestId('my-link').textContent()), key);

  await page.getByTestId('clear-data').click();
  assert.equal(await page.getByTestId('identity-handle').count(), 1, 'one tap is not enough');
  await page.getByTestId('clear-data-confirm').click();
  await page.getByTestId('start-party').waitFor();
  await page.reload();
  await page.getByTestId('passkey-sign-in').click();
  await expect(page.getByTestId('identity-handle')).toHaveText(handle);
  assert.equal(linkKey(await page.getByTestId('my-link').textContent()), key);
  await context.close();
});

test('the same passkey on a second device gives the same handle', async (t) => {
  const first = await newPage();
  const one = await addAuthenticator(first.page);
  const handle = await startParty(first.page);
  const firstKey = linkKey(first.page.url());
  const [credential] = await one.credentials();

  const second = await newPage();
  const two = await addAuthenticator(second.page);
  await two.addCredential({
    credentialId: credential.credentialId,
    isResidentCredential: true,
    rpId: credential.rpId,
    privateKey: credential.privateKey,
    userHandle: credential.userHandle,
    signCount: credential.signCount,
  });
  await second.page.getByTestId('passkey-sign-in').click();
  await expect(second.page.getByTestId('identity-handle')).toHaveText(handle);
  const secondKey = linkKey(await second.page.getByTestId('my-link').textContent());
  // CDP hands over the credential's private key but not the secret behind its PRF,
  // so this virtual authenticator cannot reproduce the key; a synced passkey does.
  t.diagnostic(`second device key ${secondKey === firstKey ? 'equals' : 'differs from'} the first (virtual authenticator ${secondKey === firstKey ? 'carries' : 'does not carry'} the PRF secret)`);
  assert.equal(
    await second.page.getByTestId('identity-kind').textContent(),
    'Person · passkey',
    'the key still comes from the passkey, not the device',
  );
  await first.context.close();
  await second.context.close();
});

test('an authenticator without PRF gets a key of this device, and the person is told so', async () => {
  const { context, page } = await newPage();
  await addAuthenticator(page, { hasPrf: false });
  await startParty(page);
  await page.goto(env.stack.page);
  await expect(page.getByTestId('device-key-notice')).toBeVisible();
  assert.match(
    await page.getByTestId('device-key-notice').textContent(),
    /different key/,
  );
  await context.close();
});

test('a cancelled creation and a sign-in with no passkey say so, and offer a way forward', async () => {
  const { context, page } = await newPage();
  // The person declines user verification: the browser reports NotAllowedError.
  await addAuthenticator(page, { isUserVerified: false });
  await page.getByTestId('start-party').click();
  await expect(page.getByTestId('passkey-error')).toHaveText('No passkey was made');
  await context.close();

  const empty = await newPage();
  await addAuthenticator(empty.page);
  await empty.page.getByTestId('passkey-sign-in').click();
  await expect(empty.page.getByTestId('passkey-error')).toHaveText('No passkey was used');
  assert.match(await empty.page.getByTestId('passkey-error').textContent(), /start a new party/);
  await empty.context.close();
});

test('a browser without WebAuthn, and a page on an IP address, are told what to do', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    delete window.PublicKeyCredential;
  });
  await page.goto(env.stack.page);
  await page.getByTestId('start-party').click();
  await expect(page.getByTestId('passkey-error')).toHaveText('This browser has no passkeys');
  await context.close();

  const byIp = await newPage(env.stack.http);
  await addAuthenticator(byIp.page);
  await byIp.page.getByTestId('start-party').click();
  await expect(byIp.page.getByTestId('passkey-error')).toHaveText('domain name');
  await byIp.context.close();

  // A plain http:// page on a real host name is not a secure context.
  const port = new URL(env.stack.http).port;
  const insecure = await launchBrowser({ hostRules: 'MAP party.example 127.0.0.1' });
  try {
    const page = await (await insecure.newContext()).newPage();
    await page.goto(`http://party.example:${port}/`);
    await page.getByTestId('start-party').click();
    await expect(page.getByTestId('passkey-error')).toHaveText('secure page');
  } finally {
    await insecure.close();
  }
});

test('refused storage still lets a person in, and says a reload will ask again', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.goto(env.stack.page + uniqueRoom('e2e-private'));
  await addAuthenticator(page);
  await page.getByTestId('start-party').click();
  await waitLive(page);
  await expect(page.getByTestId('storage-warning')).toHaveText('a reload will ask for your passkey again');
  await context.close();
});

test('a guest who comes by the host\'s link sees an impostor flagged, and the real host as host', async () => {
  const host = await newPage();
  await addAuthenticator(host.page);
  const hostHandle = await startParty(host.page);
  const link = host.page.url();
  const fragment = new URLSearchParams(new URL(link).hash.slice(1));

  // The guest's entry screen shows the host's face from a= before any traffic, and
  // who is inside (seen without entering).
  const guest = await newPage(link);
  await guest.page.getByTestId('room-host-avatar').locator('svg').waitFor();
  await guest.page.locator(`[data-testid=entry-peer][data-handle="${hostHandle}"]`).waitFor();
  await passAgentDoor(guest.page);
  await waitLive(guest.page);
  await guest.page.locator(`[data-testid=peer][data-handle="${hostHandle}"][data-host=true]`).waitFor();

  // A stranger claims the host's handle with their own key, as a person would sign.
  const key = newKey();
  const from = peerId();
  const auth = { kind: 'human', key: 'passkey' };
  const client = await mqtt.connectAsync(env.stack.mqtt, { protocolVersion: 4, clean: true });
  try {
    const topic = `party-2026-v1/party/${hostHandle}`;
    const base = { handle: hostHandle, avatarSeed: fragment.get('a'), from };
    await client.publishAsync(topic, signed(hostHandle, { type: 'announce', ...base, t: Date.now() }, key, auth));
    await client.publishAsync(
      topic,
      signed(hostHandle, { type: 'msg', id: `${hostHandle}-${Date.now()}-abcdef`, ...base, text: 'I am the real host', t: Date.now() }, key, auth),
    );
  } finally {
    await client.endAsync();
  }
  const forged = guest.page.getByTestId('message').filter({ hasText: 'I am the real host' });
  await expect(forged).toHaveAttribute('data-impostor', 'true');
  assert.equal(await forged.getAttribute('data-verified'), 'false');
  const impostor = guest.page.locator(`[data-testid=peer][data-handle="${hostHandle}"][data-impostor=true]`);
  await impostor.waitFor();
  assert.equal(await impostor.getAttribute('data-host'), 'false');
  const real = guest.page.locator(`[data-testid=peer][data-handle="${hostHandle}"][data-impostor=false]`);
  assert.equal(await real.getAttribute('data-host'), 'true');
  assert.deepEqual(guest.errors, []);
  await guest.context.close();
  await host.context.close();
});

test('a peer id seen on the wire cannot kick its owner off the broker', async () => {
  const room = uniqueRoom('e2e-takeover');
  const { context, page } = await newPage(env.stack.page + room);
  await addAuthenticator(page);
  await page.getByTestId('start-party').click();
  await waitLive(page);
  await page.evaluate(() => {
    const badge = document.querySelector('[data-testid=connection-state]');
    window.partyStates = [];
    new MutationObserver(() => window.partyStates.push(badge.dataset.state)).observe(badge, { attributes: true });
  });
  const listener = await partyListen(env.stack.mqtt, room);
  try {
    const joined = await listener.waitFor((e) => e.event === 'peer-joined' && !e.handle.endsWith('-bot'));
    // Whatever a client id might be derived from is public: try them all.
    for (const clientId of [`party-${joined.peerId}`, `party${joined.peerId}`, joined.peerId]) {
      const intruder = await mqtt.connectAsync(env.stack.mqtt, { protocolVersion: 4, clean: true, clientId });
      await intruder.endAsync();
    }
    await page.getByTestId('composer-input').fill('still connected');
    await page.getByTestId('composer-input').press('Enter');
    await listener.waitFor((e) => e.event === 'message' && e.text === 'still connected');
    assert.deepEqual(await page.evaluate(() => window.partyStates), [], 'never dropped');
  } finally {
    await listener.stop();
    await context.close();
  }
});
