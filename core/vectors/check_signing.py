#!/usr/bin/env python3
"""Independent check of core/vectors/signing.json against the canonical form in
docs/protocol.md: rebuilds the canonical bytes from each envelope's JSON in Python and
verifies every Ed25519 signature (nested history entries included).

Needs the `cryptography` package. Run: python3 core/vectors/check_signing.py
"""
import base64
import hashlib
import json
import pathlib
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ORDER = {
    "announce": ["handle", "avatarSeed", "name"],
    "msg": ["id", "handle", "avatarSeed", "name", "text", "re"],
    "history-request": [],
    "history-response": ["to", "log"],
    "leave": ["handle", "avatarSeed", "name"],
    "policy": ["ceiling", "rate", "hops"],
    "kick": ["target", "until"],
    "mute": ["target", "until"],
    "description": ["text"],
    "invited": ["handle", "owner", "proof"],
    "grant": ["owner", "level", "consent"],
    "draft": ["id", "handle", "avatarSeed", "name", "text", "re"],
    "approve": ["owner", "draft"],
    "forward": ["owner", "agent", "id"],
}


# The fields of each `auth` kind, in canonical order.
AUTH_ORDER = {"agent": ["kind"], "human": ["kind", "key"]}


def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def item(name, value):
    return bytes([len(name)]) + name.encode() + struct.pack(">I", len(value)) + value


def canonical(topic, env):
    out = b"party-sig-v1\n" + item("topic", topic.encode()) + item("type", env["type"].encode())
    for field in ORDER[env["type"]]:
        if field not in env:
            continue
        if field in ("log", "consent") or (field == "draft" and env["type"] == "approve"):
            value = struct.pack(">I", len(env[field]))
            for entry in env[field]:
                value += entry_digest(topic, entry)
            out += item(field, value)
        elif isinstance(env[field], int):
            # Numbers (a policy's rate and hops, a sanction's until) are 8 bytes
            # big-endian, as `t` is.
            out += item(field, struct.pack(">Q", env[field]))
        else:
            out += item(field, env[field].encode())
    out += item("from", env["from"].encode()) + item("t", struct.pack(">Q", env["t"]))
    if "sig" in env:
        auth = env["auth"]
        assert list(sorted(auth)) == sorted(AUTH_ORDER[auth["kind"]]), auth
        out += item("pk", b64(env["pk"]))
        for field in AUTH_ORDER[auth["kind"]]:
            out += item("auth." + field, auth[field].encode())
    return out


def entry_digest(topic, entry):
    data = canonical(topic, entry) + (b64(entry["sig"]) if "sig" in entry else b"")
    return hashlib.sha256(data).digest()


def verify(topic, env):
    Ed25519PublicKey.from_public_bytes(b64(env["pk"])).verify(b64(env["sig"]), canonical(topic, env))


def check(topic, vectors, public_key, label):
    for v in vectors:
        env = json.loads(v["envelope"])
        assert canonical(topic, env).hex() == v["canonical_hex"], v["name"]
        assert env["sig"] == v["sig"] and env["pk"] == public_key, v["name"]
        bot = env.get("handle", "").endswith("-bot")
        if "handle" in env:
            assert (env["auth"]["kind"] == "agent") == bot, "-bot handles sign as agents"
        verify(topic, env)
        nested = env.get("log", []) + env.get("consent", []) + (env["draft"] if env["type"] == "approve" else [])
        for entry in nested:
            verify(topic, entry)
        print(f"ok {label} {v['name']}")


def check_human_key(human):
    """seed = SHA-256(seed_tag || PRF output); the public key is that seed's."""
    prf = bytes.fromhex(human["prf_output_hex"])
    seed = hashlib.sha256(human["seed_tag"].encode() + prf).digest()
    assert seed.hex() == human["seed_hex"]
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == human["public_key"]
    print("ok human key from the PRF output")


def check_invite_proof(topic, code, invited):
    """proof = SHA-256("party-invite-v1\\n" || token || u32be(len(topic)) || topic || agent pk)."""
    env = json.loads(invited["envelope"])
    owner, token = code.split(".")
    assert env["owner"] == owner
    data = b"party-invite-v1\n" + b64(token) + struct.pack(">I", len(topic)) + topic.encode() + b64(env["pk"])
    assert base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode() == env["proof"]
    print("ok owners invite proof")


def main():
    path = pathlib.Path(__file__).with_name("signing.json")
    doc = json.loads(path.read_text())
    topic = doc["topic"]
    check(topic, doc["vectors"], doc["public_key"], "agent")
    human = doc["human"]
    check_human_key(human)
    check(topic, human["vectors"], human["public_key"], "human")
    host = doc["host"]
    check(host["topic"], host["vectors"], doc["public_key"], "host")
    owners = doc["owners"]["vectors"]
    agent_signed = [v for v in owners if v["name"] in ("invited", "draft")]
    check(topic, agent_signed, doc["public_key"], "owners")
    check(topic, [v for v in owners if v not in agent_signed], human["public_key"], "owners")
    check_invite_proof(topic, doc["owners"]["invite_code"], owners[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
