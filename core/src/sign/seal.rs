//! Seals: the `sig`, `pk` and `auth` fields of a signed envelope.

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

use super::{canonical_bytes, Auth, PublicKey, PublicKeyError, Signer, Verification};
use crate::b64;
use crate::envelope::Envelope;
use crate::ids::Handle;

/// The signature material of one envelope. Core only hands out seals it made or
/// verified against their envelope and topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    public_key: VerifyingKey,
    signature: Signature,
    auth: Auth,
}

/// Why signature fields were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error(
        "incomplete signature: `sig`, `pk` and `auth` come together, but `{missing}` is missing"
    )]
    Incomplete { missing: &'static str },
    #[error("`pk`: {0}")]
    BadPublicKey(PublicKeyError),
    #[error("`sig` is not a base64url 64-byte Ed25519 signature")]
    BadSignatureEncoding,
    #[error(
        "`auth` must be {{\"kind\":\"agent\"}} or {{\"kind\":\"human\",\"key\":\"passkey\"|\"device\"}}"
    )]
    BadAuth,
    #[error("`auth.kind` {0:?} is not supported")]
    UnsupportedAuth(String),
    #[error("`auth.kind` {kind:?} cannot sign for {handle}: `-bot` handles are agents, every other handle is a person")]
    KindDoesNotFitHandle { kind: &'static str, handle: Handle },
    #[error("the signature does not verify for this topic and content")]
    Invalid,
}

impl Seal {
    /// A seal from a signature made elsewhere (an external key), checked against
    /// `envelope` and `topic` before it is trusted.
    pub(crate) fn from_external(
        topic: &str,
        envelope: &Envelope,
        public_key: &PublicKey,
        signature: &[u8; 64],
        auth: Auth,
    ) -> Result<Self, SignatureError> {
        let seal = Self {
            public_key: PublicKey::checked(public_key.as_bytes())
                .map_err(SignatureError::BadPublicKey)?,
            signature: Signature::from_bytes(signature),
            auth,
        };
        verify(topic, envelope, &seal)?;
        Ok(seal)
    }

    /// Parses wire signature fields without checking them against anything yet.
    pub(crate) fn from_wire(pk: &str, sig: &str, auth: Auth) -> Result<Self, SignatureError> {
        let bytes = PublicKey::parse(pk).map_err(SignatureError::BadPublicKey)?;
        let public_key =
            PublicKey::checked(bytes.as_bytes()).map_err(SignatureError::BadPublicKey)?;
        let sig: [u8; 64] = b64::decode_strict(sig)
            .and_then(|b| b.try_into().ok())
            .ok_or(SignatureError::BadSignatureEncoding)?;
        Ok(Self {
            public_key,
            signature: Signature::from_bytes(&sig),
            auth,
        })
    }

    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public_key
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying_key(&self.public_key)
    }

    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    pub fn auth(&self) -> Auth {
        self.auth
    }

    /// `sig` as on the wire.
    pub fn signature_base64url(&self) -> String {
        b64::encode(&self.signature.to_bytes())
    }

    /// The verification this seal stands for.
    pub fn verification(&self) -> Verification {
        Verification::Verified {
            public_key: self.public_key(),
        }
    }
}

/// Signs `envelope` for `topic` with a key used once (tools and tests); peers keep a
/// `Signer` and use `sign_with`.
pub fn sign(topic: &str, envelope: &Envelope, key: &SigningKey, auth: Auth) -> Seal {
    sign_with(topic, envelope, &Signer::new(key.clone()), auth)
}

/// Signs `envelope` for `topic`.
pub fn sign_with(topic: &str, envelope: &Envelope, signer: &Signer, auth: Auth) -> Seal {
    let public_key = signer.verifying_key();
    let signature = signer.sign(&canonical_bytes(
        topic,
        envelope,
        Some((&PublicKey::from_verifying_key(&public_key), auth)),
    ));
    Seal {
        public_key,
        signature,
        auth,
    }
}

/// Checks `seal` against `envelope` and `topic`, rejecting malleable and small-order
/// signatures (`verify_strict`) so one message has one valid signature per key.
pub fn verify(topic: &str, envelope: &Envelope, seal: &Seal) -> Result<(), SignatureError> {
    if let Some(handle) = envelope.handle() {
        if !seal.auth.fits(handle) {
            return Err(SignatureError::KindDoesNotFitHandle {
                kind: seal.auth.kind(),
                handle: handle.clone(),
            });
        }
    }
    let bytes = canonical_bytes(topic, envelope, Some((&seal.public_key(), seal.auth)));
    seal.public_key
        .verify_strict(&bytes, &seal.signature)
        .map_err(|_| SignatureError::Invalid)
}
