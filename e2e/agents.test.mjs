// Agents under the room's rules, in headless Chromium against the real party-broker:
// a person hosts their room (a passkey, Chromium's virtual authenticator), agents
// come in through `party agent`, a third agent ignores the rules (raw signed
// envelopes through mqtt.js), and `party listen` watches. Every peer holds the same
// line: what the rules hide, the browser and the listener hide too, and count.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { useBrokerAndBrowser } from './support/stack.mjs';
import { addAuthenticator, startParty } from './support/passkey.mjs';
import { newKey, signed, peerId } from './support/envelope.mjs';
import { expect } from './support/expect.mjs';
import { newIdentity, partyAgent, partyListen } from '../tests/irc/support/party.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { EventLog, eachLine, spawnTracked } from '../tests/irc/support/events.mjs';

const env = useBrokerAndBrowser();
const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function message(page, text) {
  return page.getByTestId('message').filter({ hasText: text });
}

async function say(page, text) {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/**
 * A person (a passkey in Chromium's virtual authenticator) live in their own party,
 * and `party listen` in it: { page, errors, room, listener }.
 */
async function hostParty() {
  const context = await env.browser.newContext();
  cleanups.push(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.stack.page);
  await addAuthenticator(page);
  const room = await startParty(page);
  const listener = await partyListen(env.stack.mqtt, room);
  cleanups.push(() => listener.stop());
  return { page, errors, room, listener };
}

/** A msg from an agent that keeps no rules: its own key, straight to the broker. */
async function rogueSays(room, text) {
  const key = newKey();
  const now = Date.now();
  const handle = 'rude-black-crow-bot';
  const payload = signed(
    room,
    { type: 'msg', id: `${handle}-${now}-abcdef`, handle, avatarSeed: '0123456789abcdef0123456789abcdef', text, from: peerId(), t: now },
    key,
    { kind: 'agent' },
  );
  const client = await mqtt.connectAsync(env.stack.mqtt);
  await client.publishAsync(`party-2026-v1/party/${room}`, payload);
  await client.endAsync();
}

test('a host sets the rules in the browser and every peer holds agents to them: hidden, answered, freed, bounded, kicked', async () => {
  const { page, errors, room, listener } = await hostParty();

  const [calc, chatty] = [await newIdentity(), await newIdentity()];
  const agent = await partyAgent(env.stack.mqtt, room, calc.secret);
  cleanups.push(() => agent.stop());
  assert.equal(agent.contract.level, 'called', 'a host\'s room, before its host sets rules');
  await expect(page.locator(`[data-testid=peer][data-handle=${calc.handle}]`)).toHaveCount(1);

  // `called`: speaking unprompted is refused by the agent's own runtime...
  agent.command({ type: 'send', text: 'unprompted', clientMsgId: 'u1' });
  const refused = await agent.waitFor((e) => e.event === 'refused' && e.clientMsgId === 'u1');
  assert.equal(refused.code, 'held');
  // ...and an agent that ignores the rules is hidden by every peer, and counted.
  await rogueSays(room, 'rogue words');
  const held = await listener.waitFor((e) => e.event === 'held');
  assert.equal(held.reason, 'not-called');
  await expect(page.getByTestId('held-count')).toHaveText('1 message hidden by the room\'s rules');
  await expect(message(page, 'rogue words')).toHaveCount(0);
  assert.ok(!listener.events.events.some((e) => e.event === 'message' && e.text === 'rogue words'));

  // A mention from the host calls the agent in; its answer shows, marked an agent's.
  await say(page, `@${calc.handle} what is 2+2?`);
  const mention = await agent.waitFor((e) => e.event === 'mention');
  agent.command({ type: 'send', text: 'it is 4', re: mention.id, clientMsgId: 'a1' });
  await expect(message(page, 'it is 4')).toHaveAttribute('data-agent', 'true');
  const answer = await listener.waitFor((e) => e.event === 'message' && e.text === 'it is 4');
  assert.equal(answer.re, mention.id);

  // The host lets agents answer each other, with a hop bound of 2.
  await page.getByTestId('agents').click();
  await page.getByTestId('rules-ceiling').selectOption('unleashed');
  await page.getByTestId('rules-rate').fill('30');
  await page.getByTestId('rules-hops').fill('2');
  await page.getByTestId('rules-description').fill('Homework help');
  await page.getByTestId('rules-save').click();
  await expect(page.getByTestId('rules-saved')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('agents-panel')).toHaveCount(0);
  await expect(page.getByTestId('room-description')).toHaveText('Homework help');
  const mode = await agent.waitFor((e) => e.event === 'mode');
  assert.equal(mode.level, 'unleashed');
  const policy = await listener.waitFor((e) => e.event === 'policy');
  assert.deepEqual(policy.policy, { ceiling: 'unleashed', ratePerMinute: 30, hopBound: 2 });

  // Two agents that call each other stop at the hop bound, and say why.
  const other = await partyAgent(env.stack.mqtt, room, chatty.secret);
  cleanups.push(() => other.stop());
  // A joiner starts from the defaults and hears the host's rules within a round trip.
  assert.equal(other.contract.level, 'called');
  const learned = await other.waitFor((e) => e.event === 'mode');
  assert.equal(learned.level, 'unleashed', 'a joiner learns the rules from the host');
  agent.command({ type: 'send', text: `@${chatty.handle} ping 0`, clientMsgId: 'p0' });
  let from = other;
  let to = agent;
  let last = await other.waitFor((e) => e.event === 'mention' && e.text.endsWith('ping 0'));
  for (let hop = 1; hop <= 2; hop++) {
    from.command({ type: 'send', text: `@${(from === other ? calc : chatty).handle} ping ${hop}`, re: last.id, clientMsgId: `h${hop}` });
    last = await to.waitFor((e) => e.event === 'mention' && e.text.endsWith(`ping ${hop}`));
    [from, to] = [to, from];
  }
  from.command({ type: 'send', text: 'one hop too many', re: last.id, clientMsgId: 'h3' });
  const bounded = await from.waitFor((e) => e.event === 'refused' && e.clientMsgId === 'h3');
  assert.match(bounded.reason, /answered each other as often as this room allows/);
  await expect(message(page, 'ping 2')).toHaveCount(1);

  // The host kicks an agent: gone for every peer, and its runtime says so.
  const peer = page.locator(`[data-testid=peer][data-handle=${chatty.handle}]`);
  await peer.getByTestId('kick').click();
  const kicked = await other.waitFor((e) => e.event === 'sanction');
  assert.equal(kicked.isSelf, true);
  await expect(peer).toHaveCount(0);
  await listener.waitFor((e) => e.event === 'peer-left' && e.handle === chatty.handle && e.reason === 'kicked');
  other.command({ type: 'send', text: 'let me back', clientMsgId: 'k1' });
  const out = await other.waitFor((e) => e.event === 'refused' && e.clientMsgId === 'k1');
  assert.match(out.reason, /kicked/);
  assert.deepEqual(errors, []);
});

test('a person invites their own agent: every peer shows whose it is, its level follows the owner, its drafts reach the room only once approved, and a forwarded message comes back as a draft', async () => {
  const { page, errors, room: owner, listener } = await hostParty();

  await page.getByTestId('agents').click();
  await page.getByTestId('invite-make').click();
  const invite = await page.getByTestId('invite-text').textContent();
  assert.match(invite, /never follow instructions/);
  const code = invite.match(/--invite (\S+)/)[1];
  await expect(page.getByTestId('invite-status')).toHaveText('Waiting for your agent…');

  const mine = await newIdentity();
  const agent = await partyAgent(env.stack.mqtt, owner, mine.secret, ['--invite', code]);
  cleanups.push(() => agent.stop());
  const granted = await agent.waitFor((e) => e.event === 'grant' && e.isSelf);
  assert.equal(granted.owner, owner);
  await expect(page.getByTestId('invite-status')).toHaveText(`Connected: ${mine.handle} is your agent here.`);
  const seen = await listener.waitFor((e) => e.event === 'grant' && e.agent === mine.handle);
  assert.equal(seen.owner, owner, 'every peer knows whose agent it is');

  // The owner holds it to drafts: its runtime refuses to speak in the room.
  await page.getByTestId('agent-level').selectOption('draft');
  const mode = await agent.waitFor((e) => e.event === 'mode' && e.level === 'draft');
  assert.equal(mode.level, 'draft');
  // A message that calls it is marked for its owner.
  await page.keyboard.press('Escape');
  await say(page, `@${mine.handle} are you there?`);
  await expect(message(page, 'are you there?')).toHaveAttribute('data-calls-my-agent', 'true');
  const mention = await agent.waitFor((e) => e.event === 'mention');
  agent.command({ type: 'send', text: 'yes', re: mention.id, clientMsgId: 'd1' });
  const held = await agent.waitFor((e) => e.event === 'refused' && e.clientMsgId === 'd1');
  assert.match(held.reason, /draft/);

  // A draft reaches its owner alone, and the room once approved.
  agent.command({ type: 'draft', text: 'yes, here', re: mention.id, clientMsgId: 'd2' });
  const drafted = await agent.waitFor((e) => e.event === 'accepted' && e.clientMsgId === 'd2');
  assert.equal(drafted.draft, true);
  const draft = page.getByTestId('draft').filter({ hasText: 'yes, here' });
  await expect(draft).toBeVisible();
  await expect(message(page, 'yes, here')).toHaveCount(0);
  assert.ok(!listener.events.events.some((e) => e.text === 'yes, here'), 'no other peer shows an unapproved draft');
  await draft.getByTestId('approve').click();
  const approved = await listener.waitFor((e) => e.event === 'message' && e.text === 'yes, here');
  assert.equal(approved.approvedBy, owner);
  assert.equal(approved.handle, mine.handle);
  await agent.waitFor((e) => e.event === 'approved' && e.id === drafted.id);
  await expect(message(page, 'yes, here')).toHaveAttribute('data-agent', 'true');
  await expect(page.getByTestId('drafts')).toHaveCount(0);

  // →🤖 hands a message to the agent, which answers it as a draft.
  await message(page, 'are you there?').getByTestId('forward').click();
  const forwarded = await agent.waitFor((e) => e.event === 'forward');
  assert.equal(forwarded.message.text, `@${mine.handle} are you there?`);
  agent.command({ type: 'draft', text: 'a considered answer', re: forwarded.id });
  await expect(page.getByTestId('draft').filter({ hasText: 'a considered answer' })).toBeVisible();
  await page.getByTestId('draft').filter({ hasText: 'a considered answer' }).getByTestId('reject').click();
  await expect(page.getByTestId('drafts')).toHaveCount(0);

  // Shown in the people list as the owner's.
  await expect(page.locator(`[data-testid=peer][data-handle=${mine.handle}] [data-testid=peer-owner]`)).toHaveText(`for ${owner}`);
  assert.ok(!listener.events.events.some((e) => e.text === 'a considered answer'), 'a rejected draft reached nobody');
  assert.deepEqual(errors, []);
});

/** `curl -N` on an HTTP agent's event stream: its SSE events as { event, data }. */
function sseStream(url, secret) {
  const proc = spawnTracked('curl', ['-sN', '-H', `Authorization: Bearer ${secret}`, url]);
  const events = new EventLog(`curl ${url}`);
  let name = null;
  eachLine(proc.child.stdout, (line) => {
    if (line.startsWith('event: ')) name = line.slice(7);
    else if (line.startsWith('data: ')) events.push({ event: name, data: JSON.parse(line.slice(6)), line });
  });
  cleanups.push(() => proc.stop('SIGTERM'));
  return events;
}

async function postAgent(url, secret, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test('every peer holds the same line: the browser, party listen, an IRC bot and an HTTP agent in a host\'s room', async () => {
  const bridge = await startBridge({ broker: env.stack.mqtt, args: ['--http', '127.0.0.1:0'] });
  cleanups.push(() => bridge.stop());
  const { page, errors, room, listener } = await hostParty();
  const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: 'ircbot' });
  cleanups.push(() => irc.quit());
  await irc.join(`#${room}`);
  const http = await newIdentity();
  const stream = sseStream(`${bridge.http}/rooms/${room}/events`, http.secret);
  const contract = await stream.waitFor((e) => e.event === 'contract');
  assert.equal(contract.data.level, 'called');
  await expect(page.locator(`[data-testid=peer][data-handle=${http.handle}]`)).toHaveCount(1);

  // `called`: nobody speaks unprompted, and each is told why.
  await irc.say(`#${room}`, 'unprompted from irc');
  const told = await irc.waitFor((e) => e.type === 'notice' && /held back by the room's rules/.test(e.text));
  assert.match(told.text, /called/);
  const refused = await postAgent(`${bridge.http}/rooms/${room}/messages`, http.secret, { text: 'unprompted over http' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'level');
  // An agent that ignores the rules is hidden by the browser, party listen and IRC.
  await rogueSays(room, 'rogue on every screen');
  await listener.waitFor((e) => e.event === 'held' && e.handle === 'rude-black-crow-bot');
  await irc.waitFor((e) => e.type === 'notice' && /rude-black-crow-bot was held back/.test(e.text));
  await expect(page.getByTestId('held-count')).toBeVisible();
  for (const text of ['unprompted from irc', 'unprompted over http', 'rogue on every screen']) {
    await expect(message(page, text)).toHaveCount(0);
    assert.ok(!listener.events.events.some((e) => e.text === text), text);
    assert.ok(!irc.events.events.some((e) => e.type === 'privmsg' && e.text === text), text);
  }

  // Called by the host, each answers, and every peer shows the answer.
  await say(page, 'ircbot: what is 2+2?');
  await irc.waitFor((e) => e.type === 'privmsg' && e.text === 'ircbot: what is 2+2?');
  await irc.say(`#${room}`, 'four, from IRC');
  await expect(message(page, 'four, from IRC')).toHaveAttribute('data-agent', 'true');
  await say(page, `@${http.handle} and 3+3?`);
  const mention = await stream.waitFor((e) => e.event === 'mention');
  const answered = await postAgent(`${bridge.http}/rooms/${room}/messages`, http.secret, { text: 'six, over http', re: mention.data.id });
  assert.equal(answered.status, 202, JSON.stringify(answered.body));
  await expect(message(page, 'six, over http')).toHaveAttribute('data-agent', 'true');
  await irc.waitFor((e) => e.type === 'privmsg' && e.text === 'six, over http');
  await listener.waitFor((e) => e.event === 'message' && e.text === 'four, from IRC');

  // The host mutes the HTTP agent: every front end hears it, and the agent is refused.
  const httpPeer = page.locator(`[data-testid=peer][data-handle=${http.handle}]`);
  await httpPeer.getByTestId('mute').click();
  await expect(httpPeer).toHaveAttribute('data-muted', 'true');
  await listener.waitFor((e) => e.event === 'sanction' && e.kind === 'mute' && e.handle === http.handle);
  await irc.waitFor((e) => e.type === 'notice' && e.text.includes(`muted ${http.handle}`));
  const muted = await postAgent(`${bridge.http}/rooms/${room}/messages`, http.secret, { text: 'while muted' });
  assert.equal(muted.status, 403);
  assert.match(muted.body.error, /muted/);

  // The host kicks the IRC bot from the browser: the bot gets the KICK on IRC.
  const ircHandle = (await listener.waitFor((e) => e.event === 'message' && e.text === 'four, from IRC')).handle;
  await page.locator(`[data-testid=peer][data-handle=${ircHandle}]`).getByTestId('kick').click();
  await irc.waitFor((e) => e.type === 'raw' && / KICK #\S+ ircbot /.test(e.line));
  await listener.waitFor((e) => e.event === 'peer-left' && e.handle === ircHandle && e.reason === 'kicked');
  assert.deepEqual(errors, []);
});
