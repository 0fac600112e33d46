//! Drives one core `Connection` (a room and its broker session) over
//! MQTT-over-WebSocket and mirrors what it says into signals the views read. All
//! protocol and lifecycle decisions stay in core; this owns the clock, the timers,
//! the socket, the key's signatures and reconnecting.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use party_core::connection::{mqtt_client_id, Connection, Incoming, NextWill, Will};
use party_core::ids::{Handle, MessageId, PeerId, RoomName};
use party_core::limits::MQTT_KEEP_ALIVE_SECS;
use party_core::policy::Level;
use party_core::reconnect::Backoff;
use party_core::room::SignRequest;
use party_core::secret::AgentSecret;
use party_core::sign::PublicKey;
use party_core::timeline::text::rich;
use party_core::timeline::Timeline;
use party_core::{HostAction, LocalPeer, Output, PeerInfo, Room, RoomEvent};

use crate::attention::{self, Chime};
use crate::clock::now_ms;
use crate::frame::{page_visible, NextFrame};
use crate::identity::Identity;
use crate::mqtt::session::{Session, Step};
use crate::mqtt::transport::{Transport, TransportEvent};
use crate::online::OnOnline;
use crate::random;
use crate::ticker::Ticker;
use crate::webcrypto::WebCryptoKey;

/// Where the connection to the room stands, as the badge shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// First attempt, not yet subscribed.
    Connecting,
    /// Subscribed and joined: messages go out.
    Live,
    /// Lost the broker (or never reached it); retrying with backoff.
    Reconnecting,
}

impl ConnectionState {
    /// The word the page shows and the e2e tests match.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionState::Connecting => "connecting",
            ConnectionState::Live => "live",
            ConnectionState::Reconnecting => "reconnecting",
        }
    }
}

/// Envelopes core refused: counted and the latest reason kept, so a flood of garbage
/// is visible without drowning the chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rejections {
    pub count: u64,
    pub last_reason: Option<String>,
}

/// Everything the room views read. Copy, so views can capture it freely.
#[derive(Clone, Copy)]
pub struct RoomSignals {
    pub state: RwSignal<ConnectionState>,
    /// Why the last connection ended, while not live.
    pub detail: RwSignal<Option<String>>,
    pub peers: RwSignal<Vec<PeerInfo>>,
    pub log: RwSignal<Timeline>,
    pub rejections: RwSignal<Rejections>,
    /// When the next reconnect attempt is due (ms since the epoch), while offline.
    pub retry_at: RwSignal<Option<u64>>,
    /// Messages from others that arrived while the room was not on screen (or the
    /// tab was hidden), and how many of them name us.
    pub unread: RwSignal<Unread>,
    /// Set by the room page while it shows this room.
    pub on_screen: RwSignal<bool>,
}

/// New messages not seen yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unread {
    pub messages: u32,
    pub mentions: u32,
}

/// What a person is told when they act on a room whose session has ended.
const ROOM_CLOSED: &str = "the room is closed";

/// The view's handle on a running room session.
#[derive(Clone, Copy)]
pub struct RoomSession {
    pub signals: RoomSignals,
    driver: StoredValue<Rc<RefCell<Driver>>, LocalStorage>,
}

impl RoomSession {
    /// Enters the room as `identity` and starts connecting to `broker_url`. A share
    /// link's host key, if any, is pinned before any traffic.
    pub fn start(
        room: RoomName,
        identity: &Identity,
        broker_url: String,
        host_key: Option<PublicKey>,
    ) -> Result<Self, String> {
        let mut room = new_room(room, identity.local_peer(fresh_peer_id()?))?;
        if let (Some(host), Some(key)) = (room.host().cloned(), host_key) {
            room.pin_from_link(&host, key)
                .map_err(|err| format!("{err}: this link does not belong to you"))?;
        }
        Self::drive(
            Connection::new(room, Will::Leave),
            identity.external_key(),
            broker_url,
        )
    }

    /// Watches the room without entering it (the entry screen: who is inside now).
    /// Nothing is published, so nobody sees the watcher.
    pub fn watch(room: RoomName, broker_url: String) -> Result<Self, String> {
        let throwaway = AgentSecret::from_bytes(random::bytes().map_err(|err| err.to_string())?);
        let room = new_room(room, LocalPeer::agent(&throwaway, fresh_peer_id()?))?;
        Self::drive(Connection::watcher(room), None, broker_url)
    }

    fn drive(
        connection: Connection,
        external_key: Option<WebCryptoKey>,
        broker_url: String,
    ) -> Result<Self, String> {
        let room_name = connection.room().name().clone();
        let client_id = mqtt_client_id(random::bytes().map_err(|err| err.to_string())?);
        let session = Session::new(client_id, MQTT_KEEP_ALIVE_SECS);
        let peers = connection.room().peers();
        let timeline = Timeline::new(connection.room().me().handle().clone());
        let signals = RoomSignals {
            state: RwSignal::new(ConnectionState::Connecting),
            detail: RwSignal::new(None),
            peers: RwSignal::new(peers),
            log: RwSignal::new(timeline),
            rejections: RwSignal::new(Rejections::default()),
            retry_at: RwSignal::new(None),
            unread: RwSignal::new(Unread::default()),
            on_screen: RwSignal::new(false),
        };
        let driver = Rc::new_cyclic(|me| {
            RefCell::new(Driver {
                me: me.clone(),
                room_name: room_name.clone(),
                connection,
                external_key,
                session,
                url: broker_url,
                transport: None,
                awaiting_will: false,
                signals,
                ui: UiBatch::default(),
                tick: None,
                ping: None,
                retry: None,
                backoff: Backoff::new(),
                generation: 0,
                stopped: false,
                _online: {
                    let me = me.clone();
                    OnOnline::listen(move || {
                        with_driver(&me, Driver::network_back);
                    })
                },
            })
        });
        {
            let mut driver = driver.borrow_mut();
            let first = driver.connection.start(now_ms());
            driver.apply(first);
            driver.connect();
        }
        Ok(RoomSession {
            signals,
            driver: StoredValue::new_local(driver),
        })
    }

    /// Sends a chat message; the error (too long, empty, not live) is for the person.
    pub fn send_text(&self, text: &str) -> Result<(), String> {
        self.with_driver(|driver| driver.send_text(text))
            .unwrap_or_else(|| Err(ROOM_CLOSED.to_owned()))
    }

    /// Sends the text of our failed message `id` again, as a new message.
    pub fn retry(&self, id: &MessageId) -> Result<(), String> {
        self.with_driver(|driver| driver.retry(id))
            .unwrap_or_else(|| Err(ROOM_CLOSED.to_owned()))
    }

    /// The host's own action in its room (rules for agents, a kick, a mute, the
    /// description); the error says why it was refused.
    pub fn host_action(&self, action: HostAction) -> Result<(), String> {
        self.act(|connection| connection.host_action(now_ms(), action))
    }

    /// The agents we own here, with the level each may speak at.
    pub fn our_agents(&self) -> Vec<(Handle, Level)> {
        self.with_driver(|driver| driver.connection.room().our_agents())
            .unwrap_or_default()
    }

    /// A new invite for the person's own agent: its code.
    pub fn invite(&self) -> Result<String, String> {
        let token = random::bytes().map_err(|err| err.to_string())?;
        self.with_driver(|driver| {
            driver
                .connection
                .invite(token)
                .map(|invite| invite.code())
                .map_err(|err| err.to_string())
        })
        .unwrap_or_else(|| Err(ROOM_CLOSED.to_owned()))
    }

    /// The owner lets their agent's draft `id` into the room.
    pub fn approve(&self, id: &MessageId) -> Result<(), String> {
        self.act(|connection| connection.approve(now_ms(), id))?;
        self.signals.log.update(|log| log.drop_draft(id));
        Ok(())
    }

    /// The owner drops their agent's draft `id`; nobody else ever saw it.
    pub fn reject(&self, id: &MessageId) -> Result<(), String> {
        self.act(|connection| connection.reject(id).map(|()| Vec::new()))?;
        self.signals.log.update(|log| log.drop_draft(id));
        Ok(())
    }

    /// Hands message `id` to our agent `agent`, which answers it as a draft.
    pub fn forward(&self, id: &MessageId, agent: &Handle) -> Result<(), String> {
        self.act(|connection| connection.forward(now_ms(), id, agent))
    }

    /// The owner sets the level its agent speaks at here.
    pub fn set_agent_level(&self, agent: &Handle, level: Level) -> Result<(), String> {
        self.act(|connection| connection.set_agent_level(now_ms(), agent, level))
    }

    /// Runs `f` on the connection and carries out what it asks; its error is for the
    /// person.
    fn act<E: std::fmt::Display>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<Vec<Output>, E>,
    ) -> Result<(), String> {
        self.with_driver(|driver| {
            let outputs = f(&mut driver.connection).map_err(|err| err.to_string())?;
            driver.apply(outputs);
            Ok(())
        })
        .unwrap_or_else(|| Err(ROOM_CLOSED.to_owned()))
    }

    /// Leaves the room and closes the connection (page hidden or view gone).
    pub fn stop(&self) {
        self.with_driver(Driver::stop);
    }

    /// We are writing: tells the room (at most every few seconds), unless the person
    /// turned that off.
    pub fn typing(&self) {
        if crate::prefs::share_typing() {
            self.with_driver(|driver| {
                let outputs = driver.connection.typing(now_ms());
                driver.apply(outputs);
            });
        }
    }

    /// Tries to reach the broker now instead of waiting for the next attempt.
    pub fn retry_now(&self) {
        self.with_driver(Driver::network_back);
    }

    /// Comes back after `stop` (a page restored from the back/forward cache).
    pub fn resume(&self) {
        self.with_driver(Driver::resume);
    }

    fn with_driver<R>(&self, f: impl FnOnce(&mut Driver) -> R) -> Option<R> {
        let driver = self.driver.try_get_value()?;
        with_driver(&Rc::downgrade(&driver), f)
    }
}

fn fresh_peer_id() -> Result<PeerId, String> {
    random::bytes::<8>()
        .map(PeerId::from_bytes)
        .map_err(|err| err.to_string())
}

fn new_room(room: RoomName, me: LocalPeer) -> Result<Room, String> {
    let entropy = random::u64().map_err(|err| err.to_string())?;
    Ok(Room::new(room, me, now_ms(), entropy))
}

/// Runs `f` on the driver if it still exists. Browser callbacks never nest, so the
/// borrow is always free; if that ever breaks, the event is reported, not lost quietly.
fn with_driver<R>(driver: &Weak<RefCell<Driver>>, f: impl FnOnce(&mut Driver) -> R) -> Option<R> {
    let driver = driver.upgrade()?;
    let mut guard = match driver.try_borrow_mut() {
        Ok(guard) => guard,
        Err(_) => {
            leptos::logging::error!(
                "party: room event arrived while the room was busy; it was not processed"
            );
            return None;
        }
    };
    Some(f(&mut guard))
}

struct Driver {
    me: Weak<RefCell<Driver>>,
    /// The room's name, for notifications.
    room_name: RoomName,
    connection: Connection,
    /// The non-extractable key that signs for a person, when the identity has one.
    external_key: Option<WebCryptoKey>,
    session: Session,
    url: String,
    transport: Option<Transport>,
    /// The socket is open, and CONNECT waits for the Last Will to be signed.
    awaiting_will: bool,
    signals: RoomSignals,
    /// Fires at `room.next_deadline()`.
    tick: Option<Timeout>,
    /// Keepalive pings while live.
    ping: Option<Ticker>,
    /// The pending reconnect.
    retry: Option<Timeout>,
    /// Reconnect delays since the last time we were live.
    backoff: Backoff,
    /// Bumped per socket, so a late event of a replaced socket is ignored.
    generation: u64,
    /// Left on purpose: no reconnecting.
    stopped: bool,
    /// The network coming back cuts a reconnect delay short.
    _online: Option<OnOnline>,
    /// What the page must show, gathered until the next frame (see `show`).
    ui: UiBatch,
}

/// Room events and a changed peer list, applied to the signals once per frame: a
/// burst of a hundred messages is one redraw, not a hundred (each WebSocket message
/// is its own event, and each signal update its own render).
#[derive(Default)]
struct UiBatch {
    events: Vec<RoomEvent>,
    peers_changed: bool,
    /// Kept after it ran, and replaced only by the next one: a frame's closure must
    /// not be freed while it runs.
    frame: Option<NextFrame>,
}

impl Driver {
    fn connect(&mut self) {
        self.retry = None;
        self.signals.retry_at.set(None);
        self.generation += 1;
        let generation = self.generation;
        let me = self.me.clone();
        let opened = Transport::open(&self.url, move |event| {
            with_driver(&me, |driver| driver.on_transport(generation, event));
        });
        match opened {
            Ok(transport) => self.transport = Some(transport),
            Err(why) => self.lost(why),
        }
    }

    fn on_transport(&mut self, generation: u64, event: TransportEvent) {
        if generation != self.generation || self.stopped {
            return;
        }
        match event {
            TransportEvent::Open => self.send_connect(),
            TransportEvent::Bytes(bytes) => match self.session.receive(&bytes) {
                Ok(steps) => {
                    for step in steps {
                        self.on_step(step);
                    }
                }
                Err(err) => self.lost(err.to_string()),
            },
            TransportEvent::NotBinary => {
                self.lost("the broker sent a text frame; MQTT over WebSocket is binary".into())
            }
            TransportEvent::Closed { reason } => self.lost(reason),
        }
    }

    /// CONNECT with the Last Will, or, while the key is still signing the will, once
    /// it is ready (see `apply`).
    fn send_connect(&mut self) {
        let topic = self.connection.topic().to_owned();
        let will = match self.connection.next_will() {
            NextWill::Pending => {
                self.awaiting_will = true;
                return;
            }
            NextWill::None => None,
            NextWill::Ready(payload) => Some(payload.to_vec()),
        };
        self.awaiting_will = false;
        let connect = self
            .session
            .open(will.as_deref().map(|will| (topic.as_str(), will)));
        self.send(&connect);
    }

    fn on_step(&mut self, step: Step) {
        let now = now_ms();
        let outputs = match step {
            Step::Connected => self.connection.connected(now),
            Step::Subscribed { granted } => match self.connection.subscribed(now, granted) {
                Ok(outputs) => {
                    self.on_live();
                    outputs
                }
                Err(err) => return self.lost(err.to_string()),
            },
            Step::Message {
                topic,
                retained,
                payload,
            } => self.connection.receive(
                now,
                Incoming {
                    topic: &topic,
                    retained,
                    payload: &payload,
                },
            ),
        };
        self.apply(outputs);
    }

    fn on_live(&mut self) {
        self.backoff.reset();
        self.signals.state.set(ConnectionState::Live);
        self.signals.detail.set(None);
        let me = self.me.clone();
        let period_ms = u32::from(MQTT_KEEP_ALIVE_SECS) * 1_000 / 2;
        self.ping = Some(Ticker::every(period_ms, move || {
            with_driver(&me, Driver::keepalive);
        }));
    }

    fn keepalive(&mut self) {
        match self.session.keepalive() {
            Ok(ping) => self.send(&ping),
            Err(err) => self.lost(err.to_string()),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let Some(transport) = &self.transport else {
            return self.lost("not connected".into());
        };
        if let Err(why) = transport.send(bytes) {
            self.lost(why);
        }
    }

    /// Carries out what the connection asked for.
    fn apply(&mut self, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Publish { topic, payload } => {
                    let packet = self.session.publish(&topic, &payload);
                    self.send(&packet);
                }
                Output::Subscribe { topic } => {
                    let packet = self.session.subscribe(&topic);
                    self.send(&packet);
                }
                Output::Disconnect => {
                    let packet = self.session.disconnect();
                    self.send(&packet);
                }
                Output::Will { .. } => {
                    if self.awaiting_will && self.transport.is_some() {
                        self.send_connect();
                    }
                }
                Output::Sign(request) => self.sign(request),
                Output::Event(event) => self.show(event),
            }
        }
        self.refresh();
    }

    /// Asks the non-extractable key for a signature; the answer comes back to the
    /// connection, which sends what it sealed in order.
    fn sign(&mut self, request: SignRequest) {
        let Some(key) = self.external_key.clone() else {
            let outputs = self
                .connection
                .signing_failed(request.id, "this browser holds no key for this identity");
            return self.apply(outputs);
        };
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let signed = key.sign(&request.message).await;
            with_driver(&me, |driver| {
                let outputs = match signed {
                    Ok(signature) => driver.connection.signed(request.id, &signature),
                    Err(why) => driver.connection.signing_failed(request.id, &why),
                };
                driver.apply(outputs);
            });
        });
    }

    /// Queues `event` for the page; it is drawn with everything else that arrives
    /// before the next frame.
    fn show(&mut self, event: RoomEvent) {
        self.ui.events.push(event);
        self.schedule_ui();
    }

    fn schedule_ui(&mut self) {
        if self.ui.frame.as_ref().is_some_and(NextFrame::is_pending) {
            return;
        }
        let me = self.me.clone();
        self.ui.frame = Some(NextFrame::schedule(move || {
            with_driver(&me, Driver::draw);
        }));
    }

    /// Applies what was queued since the last frame: one update per signal.
    fn draw(&mut self) {
        let events = std::mem::take(&mut self.ui.events);
        if !events.is_empty() {
            let now = now_ms();
            let mut rejected: Vec<String> = Vec::new();
            let seen = self.signals.on_screen.get_untracked() && page_visible();
            let mut unread = Unread::default();
            let me = self.connection.room().me().handle().clone();
            let topic_room = self.room_name.to_string();
            self.signals.log.update(|log| {
                let room = self.connection.room();
                for event in events {
                    let joined =
                        matches!(&event, RoomEvent::PeerJoined { peer } if peer.handle != me);
                    if let RoomEvent::Message(message) = &event {
                        let own = room.is_member(&message.from);
                        if !seen && !own && !message.history {
                            unread.messages += 1;
                            let mention = rich(&message.text, &me).mentions_me;
                            unread.mentions += u32::from(mention);
                            attention::notify(
                                &topic_room,
                                message.handle.as_str(),
                                &message.text,
                                mention,
                            );
                        }
                    }
                    let before = log.lines().len();
                    if let Some(reason) = log.apply(event, now) {
                        rejected.push(reason);
                    }
                    // A join the log tells of (not someone who was already here).
                    if joined && log.lines().len() > before {
                        attention::chime(Chime::Join);
                    }
                }
            });
            if unread.messages > 0 {
                attention::chime(Chime::Message);
            }
            if unread != Unread::default() {
                self.signals.unread.update(|total| {
                    total.messages += unread.messages;
                    total.mentions += unread.mentions;
                });
            }
            if !rejected.is_empty() {
                for reason in &rejected {
                    leptos::logging::warn!("party: rejected envelope: {reason}");
                }
                self.signals.rejections.update(|rejections| {
                    rejections.count += rejected.len() as u64;
                    rejections.last_reason = rejected.pop();
                });
            }
        }
        if std::mem::take(&mut self.ui.peers_changed) {
            self.signals.peers.set(self.connection.room().peers());
        }
    }

    /// Marks the peer list for the next frame and re-arms the room timer after
    /// anything changed.
    fn refresh(&mut self) {
        self.ui.peers_changed = true;
        self.schedule_ui();
        self.tick = self.connection.next_deadline().map(|at| {
            let delay = at.saturating_sub(now_ms()).min(u64::from(u32::MAX));
            let me = self.me.clone();
            Timeout::new(delay as u32, move || {
                with_driver(&me, |driver| {
                    let outputs = driver.connection.tick(now_ms());
                    driver.apply(outputs);
                });
            })
        });
    }

    fn send_text(&mut self, text: &str) -> Result<(), String> {
        let outputs = self
            .connection
            .send_text(now_ms(), text)
            .map_err(|err| err.to_string())?;
        self.apply(outputs);
        Ok(())
    }

    fn retry(&mut self, id: &MessageId) -> Result<(), String> {
        let outputs = self
            .connection
            .retry(now_ms(), id)
            .map_err(|err| err.to_string())?;
        self.apply(outputs);
        Ok(())
    }

    /// Drops the socket and, unless we left on purpose, schedules the next attempt.
    fn lost(&mut self, reason: String) {
        if self.transport.is_none() && self.retry.is_some() {
            // Already lost, and the next attempt is scheduled.
            return;
        }
        self.transport = None;
        self.ping = None;
        self.awaiting_will = false;
        self.session.closed();
        let outputs = self.connection.lost(now_ms());
        self.apply(outputs);
        if self.stopped {
            return;
        }
        self.signals.state.set(ConnectionState::Reconnecting);
        self.signals.detail.set(Some(reason));
        let delay = self.backoff.next_delay_ms(js_sys::Math::random());
        self.signals
            .retry_at
            .set(Some(now_ms().saturating_add(delay)));
        let me = self.me.clone();
        let delay = delay.min(u64::from(u32::MAX)) as u32;
        self.retry = Some(Timeout::new(delay, move || {
            with_driver(&me, Driver::connect);
        }));
    }

    /// The browser says it is online again: if we are waiting to reconnect, try now.
    fn network_back(&mut self) {
        if self.stopped || self.retry.is_none() {
            return;
        }
        self.backoff.reset();
        self.connect();
    }

    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let outputs = self.connection.leave(now_ms());
        self.apply(outputs);
        self.transport = None;
        self.session.closed();
        self.ping = None;
        self.retry = None;
        self.tick = None;
    }

    fn resume(&mut self) {
        if !self.stopped {
            return;
        }
        self.stopped = false;
        self.backoff.reset();
        self.signals.state.set(ConnectionState::Connecting);
        let outputs = self.connection.resume(now_ms());
        self.apply(outputs);
        self.connect();
    }
}
