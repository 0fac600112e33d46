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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ORDER = {
    "announce": ["handle", "avatarSeed", "name"],
    "msg": ["id", "handle", "avatarSeed", "name", "text"],
    "history-request": [],
    "history-response": ["to", "log"],
    "leave": ["handle", "avatarSeed", "name"],
}


def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def item(name, value):
    return bytes([len(name)]) + name.encode() + struct.pack(">I", len(value)) + value


def canonical(topic, env):
    out = b"party-sig-v1\n" + item("topic", topic.encode()) + item("type", env["type"].encode())
    for field in ORDER[env["type"]]:
        if field not in env:
            continue
        if field == "log":
            value = struct.pack(">I", len(env["log"]))
            for entry in env["log"]:
                value += entry_digest(topic, entry)
            out += item("log", value)
        else:
            out += item(field, env[field].encode())
    out += item("from", env["from"].encode()) + item("t", struct.pack(">Q", env["t"]))
    if "sig" in env:
        out += item("pk", b64(env["pk"])) + item("auth.kind", env["auth"]["kind"].encode())
    return out


def entry_digest(topic, entry):
    data = canonical(topic, entry) + (b64(entry["sig"]) if "sig" in entry else b"")
    return hashlib.sha256(data).digest()


def verify(topic, env):
    Ed25519PublicKey.from_public_bytes(b64(env["pk"])).verify(b64(env["sig"]), canonical(topic, env))


def main():
    path = pathlib.Path(__file__).with_name("signing.json")
    doc = json.loads(path.read_text())
    topic = doc["topic"]
    for v in doc["vectors"]:
        env = json.loads(v["envelope"])
        assert canonical(topic, env).hex() == v["canonical_hex"], v["name"]
        assert env["sig"] == v["sig"] and env["pk"] == doc["public_key"], v["name"]
        verify(topic, env)
        for entry in env.get("log", []):
            verify(topic, entry)
        print(f"ok {v['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
