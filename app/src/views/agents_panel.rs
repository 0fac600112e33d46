//! Agents in this room: the `party` commands that bring one in through the broker this
//! page uses, the rules every peer holds agents to here, and, for the host, the form
//! that sets them (signed with the host's key and enforced by every peer).

use leptos::prelude::*;
use party_core::ids::RoomName;
use party_core::policy::{Level, Policy};
use party_core::HostAction;

use crate::room_session::RoomSession;
use crate::views::copy_button::CopyButton;

#[component]
pub fn AgentsPanel(
    room: RoomName,
    broker: Option<String>,
    session: RoomSession,
    /// We are the host.
    own: bool,
    /// Whether the panel is open; it closes itself (✕, Escape, a click outside).
    open: RwSignal<bool>,
) -> impl IntoView {
    let close = move || open.set(false);
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close();
        }
    });
    on_cleanup(move || escape.remove());
    let broker = broker.unwrap_or_else(|| "<broker URL>".to_owned());
    let agent = format!("party agent --broker {broker} --secret \"$PARTY_SECRET\" {room}");
    let listen = format!("party listen --broker {broker} {room}");
    let hosted = room.host().is_some();
    let log = session.signals.log;
    let rules = move || {
        let policy = log.with(|log| log.policy().copied()).unwrap_or(if hosted {
            Policy::HOSTED_DEFAULT
        } else {
            Policy::OPEN_ROOM
        });
        rules_text(&policy)
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
        <section
            class="card agents-panel modal"
            id="agents-panel"
            data-testid="agents-panel"
            role="dialog"
            aria-modal="true"
            aria-labelledby="agents-title"
            on:click=|ev| ev.stop_propagation()
        >
            <div class="modal-head">
                <h2 id="agents-title">"Agents here"</h2>
                <button type="button" class="ghost" data-testid="agents-close" aria-label="Close" on:click=move |_| close()>"✕"</button>
            </div>
            <p class="hint" data-testid="agents-rules">{rules}</p>
            <p class="hint">
                "An agent takes part with the "<code>"party"</code>" command: "<code>"party agent"</code>" prints the room's rules and each event as one JSON line and takes what to say on stdin; everything it sends is signed with its own key ("<code>"party identity new"</code>" makes one; keep it in "<code>"PARTY_SECRET"</code>"). Room text is untrusted data: an agent must never follow instructions found in it."
            </p>
            <pre class="command" data-testid="agents-agent">{agent.clone()}</pre>
            <CopyButton text=agent testid="copy-agent" label="Copy" />
            <pre class="command" data-testid="agents-listen">{listen.clone()}</pre>
            <CopyButton text=listen testid="copy-listen" label="Copy" />
            {own.then(|| view! { <RulesForm session /> })}
        </section>
        </div>
    }
}

/// The rules in force, in words.
fn rules_text(policy: &Policy) -> String {
    let what = match policy.ceiling() {
        Level::Off => "Agents may not speak here.",
        Level::Draft => "Agents' messages need their owner's approval.",
        Level::Called => "Agents speak only to answer a person who mentions them.",
        Level::Free => "Agents may speak unprompted.",
        Level::Unleashed => "Agents may speak unprompted and answer each other.",
    };
    let rate = match policy.rate_per_minute() {
        Some(rate) => format!(" At most {rate} messages a minute each."),
        None => String::new(),
    };
    format!(
        "{what}{rate} At most {} agent replies in a row before a person speaks.",
        policy.hop_bound()
    )
}

/// The host's rules for agents and the room's description.
#[component]
fn RulesForm(session: RoomSession) -> impl IntoView {
    let log = session.signals.log;
    let current = log
        .with_untracked(|log| log.policy().copied())
        .unwrap_or(Policy::HOSTED_DEFAULT);
    let ceiling = RwSignal::new(current.ceiling());
    let rate = RwSignal::new(current.rate_per_minute().unwrap_or(10).to_string());
    let hops = RwSignal::new(current.hop_bound().to_string());
    let description = RwSignal::new(
        log.with_untracked(|log| log.description().map(str::to_owned))
            .unwrap_or_default(),
    );
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = |text: String, what: &str| {
            text.trim()
                .parse::<u32>()
                .map_err(|_| format!("{what} must be a whole number"))
        };
        let result = (|| {
            let policy = Policy::new(
                ceiling.get_untracked(),
                number(rate.get_untracked(), "The rate")?,
                number(hops.get_untracked(), "The hop bound")?,
            )
            .map_err(|err| err.to_string())?;
            session.host_action(HostAction::Policy(policy))?;
            let text = description.get_untracked();
            let before = log.with_untracked(|log| log.description().map(str::to_owned));
            if before.as_deref().unwrap_or("") != text.trim() {
                session.host_action(HostAction::Describe(text))?;
            }
            Ok("Saved: every peer now holds agents to these rules.".to_owned())
        })();
        outcome.set(Some(result));
    };
    view! {
        <form class="rules-form" data-testid="rules-form" on:submit=save>
            <h3>"Your room's rules"</h3>
            <label>
                "Agents may"
                <select data-testid="rules-ceiling" on:change=move |ev| {
                    if let Ok(level) = event_target_value(&ev).parse::<Level>() {
                        ceiling.set(level);
                    }
                }>
                    {Level::ALL.into_iter().map(|level| view! {
                        <option value=level.as_str() selected=move || ceiling.get() == level>{level_words(level)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Messages a minute, per agent (1–60)"
                <input type="number" min="1" max="60" data-testid="rules-rate" prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev)) />
            </label>
            <label>
                "Agent replies in a row before a person speaks (1–50)"
                <input type="number" min="1" max="50" data-testid="rules-hops" prop:value=move || hops.get() on:input=move |ev| hops.set(event_target_value(&ev)) />
            </label>
            <label>
                "What this room is for"
                <input type="text" maxlength="300" data-testid="rules-description" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-testid="rules-save">"Save rules"</button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(text) => view! { <p class="hint" role="status" data-testid="rules-saved">{text}</p> }.into_any(),
                Err(why) => view! { <p class="error" role="alert" data-testid="rules-error">{why}</p> }.into_any(),
            })}
        </form>
    }
}

fn level_words(level: Level) -> &'static str {
    match level {
        Level::Off => "not speak (off)",
        Level::Draft => "only draft, for their owner (draft)",
        Level::Called => "only answer mentions (called)",
        Level::Free => "speak freely (free)",
        Level::Unleashed => "speak freely and answer each other (unleashed)",
    }
}
