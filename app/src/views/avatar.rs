//! Identicons as inline SVG. The seed only ever becomes numbers (a hue and a cell
//! pattern, computed by core), never markup or a URL, so a hostile seed cannot inject.

use std::fmt::Write;

use leptos::prelude::*;
use party_core::avatar::Identicon;
use party_core::ids::AvatarSeed;

/// The identicon of `seed`, sized by CSS (`.avatar`).
#[component]
pub fn Avatar(seed: AvatarSeed) -> impl IntoView {
    view! { <LinkAvatar icon=Identicon::from_seed(&seed) /> }
}

/// An identicon already computed (from a share link's partial seed, say).
#[component]
pub fn LinkAvatar(icon: Identicon) -> impl IntoView {
    let background = format!("hsl({} 55% 88%)", icon.hue);
    let foreground = format!("hsl({} 60% 42%)", icon.hue);
    view! {
        <svg
            class="avatar"
            viewBox="0 0 5 5"
            shape-rendering="crispEdges"
            aria-hidden="true"
            focusable="false"
        >
            <rect width="5" height="5" fill=background></rect>
            <path d=cells_path(&icon.cells) fill=foreground></path>
        </svg>
    }
}

/// One unit square per filled cell, as a single path.
fn cells_path(cells: &[[bool; 5]; 5]) -> String {
    let mut d = String::new();
    for (row, cols) in cells.iter().enumerate() {
        for (col, _) in cols.iter().enumerate().filter(|(_, filled)| **filled) {
            // Writing to a String cannot fail.
            let _ = write!(d, "M{col} {row}h1v1h-1z");
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filled_cell_becomes_one_unit_square() {
        let mut cells = [[false; 5]; 5];
        cells[0][0] = true;
        cells[2][4] = true;
        assert_eq!(cells_path(&cells), "M0 0h1v1h-1zM4 2h1v1h-1z");
        assert_eq!(cells_path(&[[false; 5]; 5]), "");
    }
}
