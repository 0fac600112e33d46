//! Prints the signing test vectors (`core/vectors/signing.json`).
//!
//! Regenerate only when the canonical form changes on purpose, then update
//! `docs/protocol.md` to match (a test checks both):
//! `cargo run -p party-core --example signing_vectors > core/vectors/signing.json`

use party_core::envelope::{
    decode, encode_signed, Approve, ChatText, Departure, Description, Draft, Envelope, Forward,
    Grant, HistoryRequest, HistoryResponse, Invited, Msg, Presence, RoomPolicy, Sanction,
};
use party_core::ids::{DisplayName, MessageId, PeerId, RoomName};
use party_core::invite::{Invite, INVITE_TOKEN_BYTES};
use party_core::passkey::{key_from_prf, seed_from_prf, Credential, PRF_SALT, SEED_TAG};
use party_core::policy::{Level, Policy};
use party_core::secret::AgentSecret;
use party_core::sign::{canonical_bytes, Auth, KeyOrigin, PublicKey};
use party_core::topic::room_topic;
use serde_json::json;

const T: u64 = 1_767_225_600_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret_bytes: [u8; 32] = core::array::from_fn(|i| u8::try_from(i).unwrap_or(0));
    let secret = AgentSecret::from_bytes(secret_bytes);
    let key = secret.signing_key();
    let topic = room_topic(&RoomName::parse("calc-study")?);
    let me = PeerId::parse("0011223344556677")?;
    let joiner = PeerId::parse("8899aabbccddeeff")?;
    let name = Some(DisplayName::parse("calcbot")?);

    let msg = Envelope::Msg(Msg {
        id: MessageId::parse(&format!("{}-{T}-a1b2c3", secret.handle()))?,
        handle: secret.handle(),
        avatar_seed: secret.avatar_seed(),
        name: name.clone(),
        text: ChatText::parse("Hello, party! ✓ \"quoted\"\nsecond line")?,
        re: None,
        from: me.clone(),
        t: T + 1_000,
    });
    let reply = Envelope::Msg(Msg {
        id: MessageId::parse(&format!("{}-{}-b2c3d4", secret.handle(), T + 1_500))?,
        handle: secret.handle(),
        avatar_seed: secret.avatar_seed(),
        name: name.clone(),
        text: ChatText::parse("4")?,
        re: Some(MessageId::parse("brave-amber-heron-1767225601200-0f1e2d")?),
        from: me.clone(),
        t: T + 1_500,
    });
    let entry = decode(
        &topic,
        &encode_signed(&topic, &msg, &key, Auth::Agent),
        T + 1_000,
    )?
    .into_log_entry()
    .ok_or("msg did not decode as a msg")?;
    let envelopes = [
        (
            "announce",
            Envelope::Announce(Presence {
                handle: secret.handle(),
                avatar_seed: secret.avatar_seed(),
                name: name.clone(),
                from: me.clone(),
                t: T,
            }),
        ),
        ("msg", msg),
        ("msg-re", reply),
        (
            "history-request",
            Envelope::HistoryRequest(HistoryRequest {
                from: joiner.clone(),
                t: T + 2_000,
            }),
        ),
        (
            "history-response",
            Envelope::HistoryResponse(HistoryResponse {
                to: joiner,
                log: vec![entry],
                from: me.clone(),
                t: T + 2_500,
            }),
        ),
        ("leave", Envelope::Leave(Departure::new(me, T + 3_000))),
    ];

    let vector = |label: &str, envelope: &Envelope, key: &ed25519_dalek::SigningKey, auth| {
        let payload = encode_signed(&topic, envelope, key, auth);
        let value: serde_json::Value =
            serde_json::from_slice(&payload).unwrap_or(serde_json::Value::Null);
        json!({
            "name": label,
            "envelope": String::from_utf8_lossy(&payload),
            "canonical_hex": hex(&canonical_bytes(&topic, envelope, Some((&PublicKey::of(key), auth)))),
            "sig": value["sig"],
        })
    };
    let vectors: Vec<_> = envelopes
        .iter()
        .map(|(label, envelope)| vector(label, envelope, &key, Auth::Agent))
        .collect();

    // A person: handle from the credential id, key from the passkey's PRF output.
    let credential = Credential::from_raw_id(&[0xde, 0xad, 0xbe, 0xef].repeat(4))?;
    let prf: [u8; 32] = core::array::from_fn(|i| u8::try_from(i + 0x20).unwrap_or(0));
    let human_key = key_from_prf(&prf)?;
    let person = PeerId::parse("0123456789abcdef")?;
    let presence = Presence {
        handle: credential.handle(),
        avatar_seed: credential.avatar_seed(),
        name: None,
        from: person.clone(),
        t: T + 4_000,
    };
    let passkey = Auth::Human {
        key: KeyOrigin::Passkey,
    };
    let host_peer = PeerId::parse("0f0e0d0c0b0a0908")?;
    let human_vectors = vec![
        vector(
            "announce",
            &Envelope::Announce(presence.clone()),
            &human_key,
            passkey,
        ),
        vector(
            "msg",
            &Envelope::Msg(Msg {
                id: MessageId::parse(&format!("{}-{}-d4e5f6", credential.handle(), T + 5_000))?,
                handle: credential.handle(),
                avatar_seed: credential.avatar_seed(),
                name: None,
                text: ChatText::parse("hi from a passkey")?,
                re: None,
                from: person.clone(),
                t: T + 5_000,
            }),
            &human_key,
            passkey,
        ),
        vector(
            "leave",
            &Envelope::Leave(Departure::new(person.clone(), T + 6_000)),
            &human_key,
            Auth::Human {
                key: KeyOrigin::Device,
            },
        ),
    ];
    let human = json!({
        "note": "A person. The key's origin is `passkey` for the first two; the leave shows the `device` form (signed with the same key for brevity: a real device key is random).",
        "credential_id_b64url": credential.to_base64url(),
        "prf_salt": String::from_utf8_lossy(PRF_SALT),
        "seed_tag": String::from_utf8_lossy(SEED_TAG),
        "prf_output_hex": hex(&prf),
        "seed_hex": hex(&seed_from_prf(&prf)?),
        "handle": credential.handle(),
        "public_key": PublicKey::of(&human_key),
        "vectors": human_vectors,
    });

    // The host's envelopes, in the room named after the agent's handle (the agent
    // hosts it), so every peer of that room takes them.
    let host_topic = room_topic(&RoomName::parse(secret.handle().as_str())?);
    let host_vector = |label: &str, envelope: &Envelope| {
        let payload = encode_signed(&host_topic, envelope, &key, Auth::Agent);
        let value: serde_json::Value =
            serde_json::from_slice(&payload).unwrap_or(serde_json::Value::Null);
        json!({
            "name": label,
            "envelope": String::from_utf8_lossy(&payload),
            "canonical_hex": hex(&canonical_bytes(&host_topic, envelope, Some((&PublicKey::of(&key), Auth::Agent)))),
            "sig": value["sig"],
        })
    };
    let target = credential.handle();
    let host_vectors = vec![
        host_vector(
            "policy",
            &Envelope::Policy(RoomPolicy {
                policy: Policy::new(Level::Free, 20, 4)?,
                from: host_peer.clone(),
                t: T + 7_000,
            }),
        ),
        host_vector(
            "kick",
            &Envelope::Kick(Sanction {
                target: target.clone(),
                until: T + 7_500 + 600_000,
                from: host_peer.clone(),
                t: T + 7_500,
            }),
        ),
        host_vector(
            "mute",
            &Envelope::Mute(Sanction {
                target,
                until: T + 8_000 + 3_600_000,
                from: host_peer.clone(),
                t: T + 8_000,
            }),
        ),
        host_vector(
            "description",
            &Envelope::Description(Description {
                text: "Homework help — be kind".into(),
                from: host_peer,
                t: T + 8_500,
            }),
        ),
    ];
    let host = json!({
        "note": "The host's envelopes, signed by the agent above in the room named after its own handle (so it is that room's host).",
        "topic": host_topic,
        "vectors": host_vectors,
    });

    // A person's own agent: the agent takes up the person's invite (token 16 bytes of
    // 0x42), and the person's grant carries that consent.
    let invite = Invite::new(credential.handle(), [0x42; INVITE_TOKEN_BYTES]);
    let invited = Invited {
        handle: secret.handle(),
        owner: credential.handle(),
        proof: invite.proof(&topic, &secret.public_key()),
        from: PeerId::parse("0011223344556677")?,
        t: T + 9_000,
    };
    let invited_envelope = Envelope::Invited(invited.clone());
    let consent = decode(
        &topic,
        &encode_signed(&topic, &invited_envelope, &key, Auth::Agent),
        T + 9_000,
    )?;
    let consent = consent
        .into_consent()
        .ok_or("invited did not decode as a signed invited")?;
    let draft = Envelope::Draft(Draft(Msg {
        id: MessageId::parse(&format!("{}-{}-c3d4e5", secret.handle(), T + 10_000))?,
        handle: secret.handle(),
        avatar_seed: secret.avatar_seed(),
        name: name.clone(),
        text: ChatText::parse("a draft for my owner")?,
        re: None,
        from: PeerId::parse("0011223344556677")?,
        t: T + 10_000,
    }));
    let draft_entry = decode(
        &topic,
        &encode_signed(&topic, &draft, &key, Auth::Agent),
        T + 10_000,
    )?
    .into_draft_entry()
    .ok_or("draft did not decode as a signed draft")?;
    let draft_id = match &draft {
        Envelope::Draft(d) => d.id.clone(),
        _ => return Err("not a draft".into()),
    };
    let owners = json!({
        "note": "The agent above takes up an invite from the person above (the invite's token is 16 bytes of 0x42, its code `invite_code`), and the person grants it.",
        "invite_code": invite.code(),
        "vectors": [
            vector("invited", &invited_envelope, &key, Auth::Agent),
            vector(
                "grant",
                &Envelope::Grant(Grant {
                    owner: credential.handle(),
                    level: Level::Called,
                    consent: vec![consent],
                    from: person.clone(),
                    t: T + 9_500,
                }),
                &human_key,
                passkey,
            ),
            vector("draft", &draft, &key, Auth::Agent),
            vector(
                "approve",
                &Envelope::Approve(Approve {
                    owner: credential.handle(),
                    draft: vec![draft_entry],
                    from: person.clone(),
                    t: T + 10_500,
                }),
                &human_key,
                passkey,
            ),
            vector(
                "forward",
                &Envelope::Forward(Forward {
                    owner: credential.handle(),
                    agent: secret.handle(),
                    id: draft_id,
                    from: person.clone(),
                    t: T + 11_000,
                }),
                &human_key,
                passkey,
            ),
        ],
    });

    let doc = json!({
        "note": "Party signing vectors (docs/protocol.md). Ed25519 is deterministic: signing canonical_hex's bytes with the secret gives sig, and encoding the envelope gives exactly `envelope`.",
        "secret_hex": hex(&secret_bytes),
        "secret_b64url": secret.to_base64url(),
        "handle": secret.handle(),
        "public_key": secret.public_key().to_string(),
        "topic": topic,
        "vectors": vectors,
        "human": human,
        "host": host,
        "owners": owners,
    });
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}
