//! One text field, one button, one error line: the shape of every small form on the
//! front page (the captcha answer, a returning key, a room name).

use leptos::prelude::*;

/// `input_id` is the field's id and test id; the button and the error line get the
/// test ids `<testid>-submit` and `<testid>-error`. `submit` runs on Enter or click.
#[component]
pub fn FieldForm(
    input_id: &'static str,
    testid: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    placeholder: &'static str,
    button: &'static str,
    #[prop(optional)] button_class: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<String>>,
    submit: impl Fn() + 'static,
) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    view! {
        <form class="row" on:submit=on_submit>
            <label class="visually-hidden" for=input_id>{label}</label>
            <input
                id=input_id
                data-testid=input_id
                type=input_type
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <button type="submit" class=button_class data-testid=format!("{testid}-submit")>{button}</button>
        </form>
        {move || error.get().map(|message| view! {
            <p class="error" role="alert" data-testid=format!("{testid}-error")>{message}</p>
        })}
    }
}
