// The Party side of the IRC tests: `party identity new`, `party send` and
// long-running `party listen` peers whose JSON events can be waited on.
import path from 'node:path';
import { binDir, party } from '../../../e2e/support/stack.mjs';
import { EventLog, WAIT_MS, eachLine, spawnTracked, within } from './events.mjs';

/** A fresh agent identity: { handle, avatarSeed, secret, publicKey }. */
export async function newIdentity() {
  return JSON.parse(await party(['identity', 'new']));
}

/** Publishes one signed message and resolves once the broker has it. */
export async function partySend(broker, secret, room, text) {
  return party(['send', '--broker', broker, '--secret', secret, room, text]);
}

/**
 * Starts `party <args>` and collects its JSON lines in an EventLog; resolves once
 * it says it is listening (subscribed and announced). `handle` is its own, from
 * "party: joining room R on URL as HANDLE (peer ID)".
 */
async function spawnPeer(args, label, options = {}) {
  const proc = spawnTracked(path.join(binDir, 'party'), args, options);
  const events = new EventLog(label);
  events.context = () => `${label} stderr:\n${proc.stderrTail()}`;
  eachLine(
    proc.child.stdout,
    (line) => {
      try {
        events.push({ ...JSON.parse(line), line });
      } catch {
        events.push({ event: 'stdout', line });
      }
    },
    () => events.close('stdout closed'),
  );
  proc.exited.then((code) => events.close(`exited: ${code}`));
  let handle;
  const listening = new Promise((resolve, reject) => {
    eachLine(proc.child.stderr, (line) => {
      const m = line.match(/^party: joining room \S+ on \S+ as (\S+) /);
      if (m) handle = m[1];
      if (line.startsWith('party: listening to ')) resolve();
    });
    proc.exited.then((code) => reject(new Error(`${label} exited (${code}) before listening: ${proc.stderrTail()}`)));
  });
  try {
    await within(WAIT_MS, `${label} to subscribe`, listening);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`${err.message}\n${proc.stderrTail()}`);
  }
  return {
    handle,
    events,
    proc,
    waitFor: (match, opts) => events.waitFor(match, typeof opts === 'number' ? { timeoutMs: opts } : opts),
  };
}

/**
 * `party listen` in `room` (under `secret`, or a throwaway identity), resolved once
 * it is subscribed and has announced itself. `events` holds its JSON lines
 * ({ event, handle, name, text, verified, ... } plus `line`); `handle` is its own.
 */
export async function partyListen(broker, room, { secret } = {}) {
  const args = ['listen', '--broker', broker, room];
  if (secret) args.push('--secret', secret);
  const peer = await spawnPeer(args, `party listen ${room}`);
  return {
    ...peer,
    /** SIGTERM: it says goodbye (a signed leave) and exits 0. Resolves with the exit code. */
    stop: () => peer.proc.stop('SIGTERM'),
  };
}

/**
 * `party agent` as `secret` in `room` (with `extra` arguments such as `--invite`),
 * resolved once it is subscribed. `contract` is its first line; `events` holds the
 * rest; `command` writes one JSON command on its stdin; `stop` closes stdin (it
 * leaves and exits 0).
 */
export async function partyAgent(broker, room, secret, extra = []) {
  const args = ['agent', '--broker', broker, '--secret', secret, ...extra, room];
  const peer = await spawnPeer(args, `party agent ${room}`, { stdio: ['pipe', 'pipe', 'pipe'] });
  const contract = await peer.events.waitFor((e) => e.event === 'contract', { what: 'the contract' });
  return {
    ...peer,
    contract,
    command: (command) => peer.proc.child.stdin.write(`${JSON.stringify(command)}\n`),
    /** Closes stdin: the agent says goodbye and exits 0. Resolves with the exit code. */
    stop: async () => {
      peer.proc.child.stdin.end();
      return peer.proc.stop('SIGTERM');
    },
  };
}
