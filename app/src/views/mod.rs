//! The app's views; each file is one part of the screen.

pub mod agents_panel;
pub mod avatar;
pub mod bad_room;
pub mod composer;
pub mod connection_badge;
pub mod copy_button;
pub mod drafts;
pub mod entry_doors;
pub mod field_form;
pub mod icons;
pub mod identity_card;
pub mod landing;
pub mod message_list;
pub mod offline_banner;
pub mod peer_list;
pub mod room;
pub mod room_entry;
pub mod room_header;
pub mod room_opener;
pub mod rooms_page;
pub mod share_button;
