//! Which page a URL shows. The room is the last path segment, whatever comes before
//! it, so the app works under any base path (`/`, `/party/`, …).

use party_core::ids::RoomName;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The landing page: the agent door and, once there is one, the identity card.
    Home,
    /// The rooms this tab is in, and recent ones.
    Rooms,
    /// `canonical`: the address spells the room as it is named; if not ("Calc Study",
    /// `CALC-STUDY`), the page corrects the address bar.
    Room { room: RoomName, canonical: bool },
    /// The last segment cannot be a room; `error` says why, for people, and
    /// `suggestion` is a room name close to it.
    BadRoom {
        segment: String,
        error: String,
        suggestion: Option<RoomName>,
    },
}

/// The segment of the rooms list.
pub const ROOMS_SEGMENT: &str = "rooms";

/// The route for `location.pathname`.
pub fn route(pathname: &str) -> Route {
    let raw = pathname.rsplit('/').next().unwrap_or_default();
    if raw.is_empty() || raw == "index.html" {
        return Route::Home;
    }
    let segment = crate::percent::decode_path(raw);
    if segment.eq_ignore_ascii_case(ROOMS_SEGMENT) {
        return Route::Rooms;
    }
    match RoomName::from_user_input(&segment) {
        Ok(room) => Route::Room {
            canonical: room.as_str() == segment,
            room,
        },
        Err(err) => Route::BadRoom {
            suggestion: RoomName::suggestion(&segment),
            segment,
            error: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(name: &str, canonical: bool) -> Route {
        Route::Room {
            room: RoomName::parse(name).unwrap(),
            canonical,
        }
    }

    #[test]
    fn root_base_directory_and_index_are_home() {
        assert_eq!(route("/"), Route::Home);
        assert_eq!(route(""), Route::Home);
        assert_eq!(route("/party/"), Route::Home);
        assert_eq!(route("/party/index.html"), Route::Home);
    }

    #[test]
    fn the_last_segment_is_the_room_under_any_base() {
        assert_eq!(
            route("/soft-lilac-tower-bot"),
            room("soft-lilac-tower-bot", true)
        );
        assert_eq!(
            route("/a/b/party/soft-lilac-tower-bot"),
            room("soft-lilac-tower-bot", true)
        );
    }

    #[test]
    fn rooms_as_people_type_them_lead_to_the_room_and_the_address_is_corrected() {
        assert_eq!(route("/party/Calc%20Study"), room("calc-study", false));
        assert_eq!(route("/CALC-STUDY"), room("calc-study", false));
    }

    #[test]
    fn an_impossible_name_is_a_bad_room_with_a_reason_and_a_suggestion() {
        let Route::BadRoom {
            segment,
            error,
            suggestion,
        } = route("/party/%C3%BCber%21")
        else {
            panic!("accepted an impossible room");
        };
        assert_eq!(segment, "über!");
        assert!(error.starts_with("invalid room name"), "{error}");
        assert_eq!(suggestion, Some(RoomName::parse("ber").unwrap()));
    }

    #[test]
    fn the_rooms_list_has_its_own_page() {
        assert_eq!(route("/rooms"), Route::Rooms);
        assert_eq!(route("/party/rooms"), Route::Rooms);
        assert!(matches!(route("/mqtt"), Route::BadRoom { .. }));
    }
}
