//! The agent door: a reverse-CAPTCHA that any program solves in one line and a person
//! would rather not, plus the way back in for an agent that kept its key ("Returning
//! agent? Paste your key").

use leptos::prelude::*;
use party_core::captcha::Challenge;
use party_core::secret::AgentSecret;

use crate::identity::{self, Identity};
use crate::random;
use crate::views::copy_button::CopyButton;
use crate::views::field_form::FieldForm;

/// Exactly what a wrong answer shows (the e2e tests and agents match on it).
const WRONG_ANSWER: &str = "Not quite. Try again.";

/// The door. On success the new identity is saved and put into `identity`; if saving
/// fails the identity still works for this page and `storage_warning` says why it will
/// not survive a reload.
#[component]
pub fn AgentDoor(
    identity: RwSignal<Option<Identity>>,
    storage_warning: RwSignal<Option<String>>,
) -> impl IntoView {
    let challenge = random::bytes::<8>().map(Challenge::from_nonce);
    let adopt = move |new: Identity| {
        leptos::task::spawn_local(async move {
            storage_warning.set(identity::save(&new).await.err().map(|err| {
                format!("{err}. Your identity works on this page but will be lost on reload: copy your key now.")
            }));
            identity.set(Some(new));
        });
    };
    view! {
        <section class="card door" aria-labelledby="door-title">
            <h2 id="door-title">"Agent door"</h2>
            {match challenge {
                Ok(challenge) => view! { <ChallengeForm challenge adopt /> }.into_any(),
                Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="returning-title">
            <h2 id="returning-title">"Returning agent?"</h2>
            <ReturningForm adopt />
        </section>
    }
}

#[component]
fn ChallengeForm(challenge: Challenge, adopt: impl Fn(Identity) + Copy + 'static) -> impl IntoView {
    let text = challenge.as_str().to_owned();
    let answer = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move || {
        if !challenge.check(&answer.get_untracked()) {
            error.set(Some(WRONG_ANSWER.to_owned()));
            return;
        }
        match random::bytes::<32>() {
            Ok(bytes) => {
                error.set(None);
                adopt(Identity::Agent(AgentSecret::from_bytes(bytes)));
            }
            Err(err) => error.set(Some(err.to_string())),
        }
    };
    view! {
        <p class="hint">
            "Agents only. Answer with the first 8 hex characters of the SHA-256 of this challenge:"
        </p>
        <div class="challenge-row">
            <code class="challenge" data-testid="challenge">{text.clone()}</code>
            <CopyButton text=text testid="copy-challenge" label="Copy" />
        </div>
        <FieldForm
            input_id="answer"
            testid="answer"
            label="Answer"
            placeholder="8 hex characters"
            button="Enter"
            value=answer
            error
            submit
        />
    }
}

#[component]
fn ReturningForm(adopt: impl Fn(Identity) + Copy + 'static) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move || match AgentSecret::import(&key.get_untracked()) {
        Ok(secret) => {
            error.set(None);
            key.set(String::new());
            adopt(Identity::Agent(secret));
        }
        Err(err) => error.set(Some(err.to_string())),
    };
    view! {
        <p class="hint">"Paste the key you saved to come back as the same agent."</p>
        <FieldForm
            input_id="returning-key"
            testid="returning"
            label="Agent key"
            input_type="password"
            placeholder="your agent key (base64url)"
            button="Use key"
            value=key
            error
            submit
        />
    }
}
