//! The rooms this tab is in. Each keeps its connection while the person looks at
//! another page (another room, the rooms list), so moving between rooms is instant
//! and nothing said meanwhile is missed; only Leave, signing out or closing the tab
//! ends one. The sessions live under the app's owner, not the room page's, for that
//! reason.

use leptos::prelude::*;
use party_core::ids::RoomName;
use party_core::sign::PublicKey;

use crate::identity::Identity;
use crate::prefs;
use crate::room_session::RoomSession;

/// A room we are in: its session, and the reactive owner its signals live under
/// (disposed once the room is left and no page shows it any more).
struct Entered {
    room: RoomName,
    session: RoomSession,
    owner: Owner,
}

/// The registry, shared through context. Copy: every handle is a signal.
#[derive(Clone, Copy)]
pub struct Rooms {
    owner: StoredValue<Owner, LocalStorage>,
    entered: StoredValue<Vec<Entered>, LocalStorage>,
    /// The rooms we are in, in the order they were entered (the rooms list).
    pub names: RwSignal<Vec<RoomName>>,
    /// Rooms visited on this browser, most recent first.
    pub recent: RwSignal<Vec<RoomName>>,
    /// The room on screen, if a room page is shown.
    pub current: RwSignal<Option<RoomName>>,
}

impl Rooms {
    /// The registry for this app; call once, in the app's root.
    pub fn start() -> Rooms {
        let rooms = Rooms {
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
            entered: StoredValue::new_local(Vec::new()),
            names: RwSignal::new(Vec::new()),
            recent: RwSignal::new(prefs::recent_rooms()),
            current: RwSignal::new(None),
        };
        rooms.follow_page_lifecycle();
        provide_context(rooms);
        rooms
    }

    /// The session of `room`, entering it as `identity` through `broker_url` if we
    /// are not in it yet. A share link's host key is pinned before any traffic.
    pub fn enter(
        &self,
        room: &RoomName,
        identity: &Identity,
        broker_url: String,
        host_key: Option<PublicKey>,
    ) -> Result<RoomSession, String> {
        if let Some(session) = self.session(room) {
            return Ok(session);
        }
        let owner = self.owner.with_value(Owner::child);
        let session =
            owner.with(|| RoomSession::start(room.clone(), identity, broker_url, host_key))?;
        self.entered.update_value(|entered| {
            entered.push(Entered {
                room: room.clone(),
                session,
                owner,
            })
        });
        self.names.update(|names| names.push(room.clone()));
        self.recent.set(prefs::visited(room));
        Ok(session)
    }

    pub fn session(&self, room: &RoomName) -> Option<RoomSession> {
        self.entered
            .with_value(|entered| entered.iter().find(|e| e.room == *room).map(|e| e.session))
    }

    /// Messages not seen yet over every room we are in (tracked: the title and the
    /// top bar follow it).
    pub fn unread_messages(&self) -> u32 {
        self.names.with(|names| {
            names
                .iter()
                .filter_map(|room| self.session(room))
                .map(|session| session.signals.unread.get().messages)
                .sum()
        })
    }

    /// Says goodbye to `room` and closes its connection.
    pub fn leave(&self, room: &RoomName) {
        let mut left = None;
        self.entered.update_value(|entered| {
            if let Some(index) = entered.iter().position(|e| e.room == *room) {
                left = Some(entered.remove(index));
            }
        });
        self.names.update(|names| names.retain(|r| r != room));
        if let Some(left) = left {
            left.session.stop();
            dispose_later(left.owner);
        }
    }

    /// Leaves every room (signing out: the rooms were entered as someone else).
    pub fn leave_all(&self) {
        for room in self.names.get_untracked() {
            self.leave(&room);
        }
    }

    /// Every session: says goodbye when the page goes away (a `leave`, so peers see
    /// it at once rather than after the timeout), and comes back if the page is
    /// restored from the back/forward cache.
    fn follow_page_lifecycle(&self) {
        let rooms = *self;
        let sessions = move || {
            rooms
                .entered
                .with_value(|entered| entered.iter().map(|e| e.session).collect::<Vec<_>>())
        };
        let hide = window_event_listener(leptos::ev::pagehide, move |_| {
            sessions().iter().for_each(RoomSession::stop);
        });
        let show = window_event_listener(leptos::ev::pageshow, move |ev| {
            if ev.persisted() {
                sessions().iter().for_each(RoomSession::resume);
            }
        });
        // They live as long as the app.
        std::mem::forget((hide, show));
    }
}

/// Disposes a left room's signals once the page that showed it is gone: the room
/// view unmounts on the next render, and must not read disposed signals meanwhile.
fn dispose_later(owner: Owner) {
    let owner = std::cell::Cell::new(Some(owner));
    let _ = request_animation_frame_with_handle(move || {
        drop(owner.take());
    });
}
