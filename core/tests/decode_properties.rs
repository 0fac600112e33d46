//! Decoding is total: any bytes, any JSON value and any mutation of a valid signed
//! envelope give a value or an error, never a panic, and a mutation of signed content
//! never decodes as verified.

use ed25519_dalek::SigningKey;
use party_core::envelope::{decode, encode_signed, ChatText, Envelope, Msg};
use party_core::ids::{MessageId, PeerId, RoomName};
use party_core::passkey::Credential;
use party_core::secret::AgentSecret;
use party_core::sign::{Auth, KeyOrigin, SignatureError, Verification};
use party_core::{LocalPeer, Room};
use proptest::prelude::*;
use serde_json::{Map, Value};

const TOPIC: &str = "party-2026-v1/party/calc-study";
const NOW: u64 = 1_767_225_600_000;

/// Field names we know (so generated objects reach deep validation) and some we don't.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "type", "id", "handle", "avatarSeed", "name", "text", "to", "log", "from", "t",
            "pk", "sig", "auth", "kind", "key",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

/// Strings shaped like protocol values as well as arbitrary ones.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "announce",
            "msg",
            "history-request",
            "history-response",
            "leave",
            "agent",
            "human",
            "passkey",
            "device",
            "big-red-apple",
            "soft-lilac-tower-bot",
            "0011223344556677",
            "66687aadf862bd776c8fc18b8e9f8e20",
            "hello",
            "",
        ])
        .prop_map(str::to_owned),
        ".{0,40}",
        "[A-Za-z0-9_-]{40,90}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..10)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Signed envelopes of every type (built once: signing is slow in debug builds).
fn signed_samples() -> &'static [Vec<u8>] {
    static SAMPLES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(build_signed_samples)
}

/// A real room's announce, history-request, msgs, history-response and last will.
fn build_signed_samples() -> Vec<Vec<u8>> {
    let secret = AgentSecret::from_bytes([3; 32]);
    let me = LocalPeer::agent(&secret, PeerId::from_bytes([3; 8])).with_display_name("three");
    let mut room = Room::new(RoomName::parse("calc-study").unwrap(), me.unwrap(), NOW, 1);
    let mut out = room.join(NOW);
    out.extend(room.send_text(NOW, "first").unwrap());
    out.extend(room.send_text(NOW + 1, "second").unwrap());
    let mut joiner = Room::new(
        RoomName::parse("calc-study").unwrap(),
        LocalPeer::agent(
            &AgentSecret::from_bytes([4; 32]),
            PeerId::from_bytes([4; 8]),
        ),
        NOW,
        2,
    );
    for o in joiner.join(NOW) {
        if let party_core::Output::Publish { payload, .. } = o {
            room.receive(NOW, &payload);
        }
    }
    if let Some(due) = room.next_deadline() {
        out.extend(room.tick(due + 1_200));
    }
    out.push(room.will(NOW));
    // A person's envelopes carry the two-field `auth`.
    let credential = Credential::from_raw_id(&[6; 16]).unwrap();
    let person = LocalPeer::human(
        &credential,
        SigningKey::from_bytes(&[6; 32]),
        KeyOrigin::Passkey,
        PeerId::from_bytes([6; 8]),
    );
    let mut theirs = Room::new(RoomName::parse("calc-study").unwrap(), person, NOW, 3);
    out.extend(theirs.join(NOW));
    out.extend(theirs.send_text(NOW, "from a person").unwrap());
    out.into_iter()
        .filter_map(|o| match o {
            party_core::Output::Publish { payload, .. }
            | party_core::Output::Will { payload, .. } => Some(payload),
            _ => None,
        })
        .collect()
}

/// One change to a JSON object: drop, replace or add a field, possibly in a log entry.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    Add(String, Value),
    InEntry(usize, Box<Mutation>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let flat = prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (key(), json()).prop_map(|(k, v)| Mutation::Add(k, v)),
    ];
    flat.prop_recursive(1, 2, 1, |inner| {
        (any::<usize>(), inner).prop_map(|(i, m)| Mutation::InEntry(i, Box::new(m)))
    })
}

fn apply(value: &mut Value, mutation: &Mutation) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    let keys: Vec<String> = obj.keys().cloned().collect();
    match mutation {
        Mutation::Remove(i) if !keys.is_empty() => {
            obj.remove(&keys[i % keys.len()]);
        }
        Mutation::Replace(i, v) if !keys.is_empty() => {
            obj.insert(keys[i % keys.len()].clone(), v.clone());
        }
        Mutation::Add(k, v) => {
            obj.insert(k.clone(), v.clone());
        }
        Mutation::InEntry(i, inner) => {
            if let Some(log) = obj.get_mut("log").and_then(Value::as_array_mut) {
                if !log.is_empty() {
                    let n = log.len();
                    apply(&mut log[i % n], inner);
                }
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(TOPIC, &bytes, NOW);
    }

    #[test]
    fn arbitrary_json_values_never_panic(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let _ = decode(TOPIC, &bytes, NOW);
    }

    #[test]
    fn a_room_survives_arbitrary_input(values in prop::collection::vec(json(), 1..8)) {
        let me = LocalPeer::agent(&AgentSecret::from_bytes([5; 32]), PeerId::from_bytes([5; 8]));
        let mut room = Room::new(RoomName::parse("calc-study").unwrap(), me, NOW, 5);
        room.join(NOW);
        for (i, value) in values.iter().enumerate() {
            let now = NOW + u64::try_from(i).unwrap() * 1_000;
            room.receive(now, &serde_json::to_vec(value).unwrap());
            room.tick(now);
        }
        prop_assert!(room.peers().iter().any(|p| p.is_self));
    }

    #[test]
    fn mutated_signed_envelopes_never_verify_with_changed_content(
        pick in any::<usize>(),
        m in mutation(),
    ) {
        let samples = signed_samples();
        let original_bytes = &samples[pick % samples.len()];
        let original = decode(TOPIC, original_bytes, NOW).unwrap();
        prop_assert!(original.verification.is_verified());
        let mut value: Value = serde_json::from_slice(original_bytes).unwrap();
        apply(&mut value, &m);
        if let Ok(received) = decode(TOPIC, &serde_json::to_vec(&value).unwrap(), NOW) {
            prop_assert_eq!(&received.envelope, &original.envelope);
            prop_assert_eq!(&received.verification, &original.verification);
        }
    }

    #[test]
    fn any_valid_msg_round_trips_signed(
        text in "\\PC{1,300}".prop_filter("not blank", |t| !t.trim().is_empty()),
        id in "[A-Za-z0-9_-]{1,64}",
        re in proptest::option::of("[A-Za-z0-9_-]{1,64}"),
        t in any::<u64>(),
        seed in any::<[u8; 32]>(),
        signer in 0..3usize,
    ) {
        let auth = [
            Auth::Agent,
            Auth::Human { key: KeyOrigin::Passkey },
            Auth::Human { key: KeyOrigin::Device },
        ][signer];
        let key = SigningKey::from_bytes(&seed);
        let (handle, avatar_seed) = match auth {
            Auth::Agent => party_core::derive::agent_identity(&seed),
            Auth::Human { .. } => party_core::derive::human_identity(&seed),
        };
        let msg = Msg {
            id: MessageId::parse(&id).unwrap(),
            handle,
            avatar_seed,
            name: None,
            text: ChatText::parse(&text).unwrap(),
            re: re.map(|re| MessageId::parse(&re).unwrap()),
            from: PeerId::from_bytes([1; 8]),
            t,
        };
        let envelope = Envelope::Msg(msg.clone());
        let bytes = encode_signed(TOPIC, &envelope, &key, auth);
        let received = decode(TOPIC, &bytes, NOW).unwrap();
        prop_assert_eq!(received.envelope, envelope);
        prop_assert_eq!(
            received.verification,
            Verification::Verified { public_key: party_core::sign::PublicKey::of(&key) }
        );
        prop_assert!(decode("party-2026-v1/party/elsewhere", &bytes, NOW).is_err());

        // The same message signed as the other kind of identity is refused.
        let wrong = if auth == Auth::Agent { Auth::Human { key: KeyOrigin::Passkey } } else { Auth::Agent };
        let bytes = encode_signed(TOPIC, &Envelope::Msg(msg), &key, wrong);
        let refused = matches!(
            decode(TOPIC, &bytes, NOW),
            Err(party_core::envelope::DecodeError::Signature(SignatureError::KindDoesNotFitHandle { .. }))
        );
        prop_assert!(refused);
    }
}
