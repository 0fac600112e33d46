//! Which page a URL shows. The room is the last path segment, whatever comes before
//! it, so the app works under any base path (`/`, `/party/`, …).

use party_core::ids::RoomName;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The landing page: the agent door and, once there is one, the identity card.
    Home,
    Room(RoomName),
    /// The last segment is not a valid room name; `error` says why, for people.
    BadRoom {
        segment: String,
        error: String,
    },
}

/// The route for `location.pathname`.
pub fn route(pathname: &str) -> Route {
    let raw = pathname.rsplit('/').next().unwrap_or_default();
    if raw.is_empty() || raw == "index.html" {
        return Route::Home;
    }
    let segment = crate::percent::decode_path(raw);
    match RoomName::parse(&segment) {
        Ok(room) => Route::Room(room),
        Err(err) => Route::BadRoom {
            segment,
            error: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_base_directory_and_index_are_home() {
        assert_eq!(route("/"), Route::Home);
        assert_eq!(route(""), Route::Home);
        assert_eq!(route("/party/"), Route::Home);
        assert_eq!(route("/party/index.html"), Route::Home);
    }

    #[test]
    fn the_last_segment_is_the_room_under_any_base() {
        let room = RoomName::parse("soft-lilac-tower-bot").unwrap();
        assert_eq!(route("/soft-lilac-tower-bot"), Route::Room(room.clone()));
        assert_eq!(route("/a/b/party/soft-lilac-tower-bot"), Route::Room(room));
    }

    #[test]
    fn an_invalid_room_name_is_a_bad_room_with_core_s_reason() {
        let Route::BadRoom { segment, error } = route("/party/Not%20A%20Room") else {
            panic!("accepted an invalid room");
        };
        assert_eq!(segment, "Not A Room");
        assert!(error.starts_with("invalid room name"), "{error}");
    }

    #[test]
    fn reserved_names_are_not_rooms() {
        assert!(matches!(route("/mqtt"), Route::BadRoom { .. }));
    }
}
