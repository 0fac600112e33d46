// Signed Party envelopes built in JavaScript, independently of our Rust code, from
// docs/protocol.md's canonical form (as core/vectors/check_signing.py does in Python):
// what an attacker with their own key and mqtt.js can publish.
import { createHash, createPrivateKey, generateKeyPairSync, sign, randomBytes } from 'node:crypto';

const AUTH_ORDER = { agent: ['kind'], human: ['kind', 'key'] };
const ORDER = {
  announce: ['handle', 'avatarSeed', 'name'],
  msg: ['id', 'handle', 'avatarSeed', 'name', 'text'],
  leave: ['handle', 'avatarSeed', 'name'],
};

function item(name, value) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  return Buffer.concat([Buffer.from([name.length]), Buffer.from(name), len, value]);
}

function canonical(topic, env, pk) {
  const parts = [Buffer.from('party-sig-v1\n'), item('topic', Buffer.from(topic)), item('type', Buffer.from(env.type))];
  for (const field of ORDER[env.type]) {
    if (field in env) parts.push(item(field, Buffer.from(env[field])));
  }
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(env.t));
  parts.push(item('from', Buffer.from(env.from)), item('t', t), item('pk', pk));
  for (const field of AUTH_ORDER[env.auth.kind]) parts.push(item(`auth.${field}`, Buffer.from(env.auth[field])));
  return Buffer.concat(parts);
}

/** A fresh Ed25519 key: `{ privateKey, raw }` (raw = the 32 public key bytes). */
export function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, raw };
}

/** Signs `fields` (type, handle, …, from, t) as `auth` for room `room`; the JSON to publish. */
export function signed(room, fields, key, auth) {
  const topic = `party-2026-v1/party/${room}`;
  const env = { ...fields, auth };
  const sig = sign(null, canonical(topic, env, key.raw), key.privateKey);
  const { auth: _, ...rest } = env;
  return JSON.stringify({ ...rest, pk: key.raw.toString('base64url'), auth, sig: sig.toString('base64url') });
}

/** A random 16-hex peer id. */
export function peerId() {
  return randomBytes(8).toString('hex');
}

/** Party v1's handle and avatar seed for a passkey's credential id (its rawId). */
export function v1Identity(rawId, words) {
  const h = createHash('sha256').update(rawId).digest();
  const handle = [words.size[h[0] % 64], words.color[h[1] % 64], words.noun[h[2] % 256]].join('-');
  return { handle, avatarSeed: h.subarray(0, 16).toString('hex') };
}

export { createPrivateKey };
