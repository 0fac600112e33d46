// How soon every client is back after the broker returns: party-broker is killed,
// left down for a while (so backoff has grown), and started again on the same
// ports; for each client it prints the time from the broker's listening line to the
// client being live again: Chromium with the app (its connection badge), `party
// listen` (its "listening to" line) and party-bridge (its "is back" notice to IRC
// users). Target: within 2 s of the broker's return, whatever the outage.
//
// Run: `./scripts/bench`, or `node bench/reconnect.mjs` (PARTY_BIN_DIR for the
// binaries; dist/ built).
import { launchBrowser, startBroker, uniqueRoom } from '../e2e/support/stack.mjs';
import { enterRoom } from '../e2e/support/door.mjs';
import { startBridge } from '../tests/irc/support/bridge.mjs';
import { startIrcFramework } from '../tests/irc/support/ircframework.mjs';
import { partyListen } from '../tests/irc/support/party.mjs';

const OUTAGES_MS = [1_000, 5_000, 20_000];

async function until(what, check, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not back within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function main() {
  let broker = await startBroker();
  const ports = { httpPort: broker.httpPort, mqttPort: broker.mqttPort };
  const bridge = await startBridge({ broker: broker.mqtt });
  const browser = await launchBrowser();
  const room = uniqueRoom('bench-back');
  const listener = await partyListen(broker.mqtt, room);
  const tab = await enterRoom(browser, `${broker.page}${room}`);
  const irc = await startIrcFramework({ host: bridge.host, port: bridge.port, nick: 'waiter' });
  await irc.join(`#${room}`);
  const listening = () => listener.proc.stderrTail(1000).split('\n').filter((l) => l.startsWith('party: listening to ')).length;
  const backNotices = () => irc.events.events.filter((e) => e.type === 'notice' && /The Party broker is back/.test(e.text ?? '')).length;
  const state = () => tab.page.getByTestId('connection-state').getAttribute('data-state');

  console.log('seconds from the broker listening again to each client live again');
  console.log(`${'outage'.padStart(8)} ${'browser'.padStart(9)} ${'listen'.padStart(9)} ${'bridge'.padStart(9)}`);
  let worst = 0;
  for (const outage of OUTAGES_MS) {
    const listenBefore = listening();
    const bridgeBefore = backNotices();
    await broker.stop('SIGKILL');
    await until('the browser noticing', async () => (await state()) === 'reconnecting');
    await new Promise((r) => setTimeout(r, outage));
    broker = await startBroker(ports);
    const back = Date.now();
    const [b, l, i] = await Promise.all([
      until('the browser', async () => (await state()) === 'live'),
      until('party listen', async () => listening() > listenBefore),
      until('the bridge', async () => backNotices() > bridgeBefore),
    ]);
    const row = [b, l, i].map((t) => (t - back) / 1000);
    worst = Math.max(worst, ...row);
    console.log(`${`${outage / 1000} s`.padStart(8)} ${row.map((s) => s.toFixed(2).padStart(9)).join(' ')}`);
  }
  console.log(`worst: ${worst.toFixed(2)} s (target: within 2 s)`);
  await irc.quit();
  await listener.stop();
  await tab.context.close();
  await browser.close();
  await bridge.stop();
  await broker.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
