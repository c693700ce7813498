//! Uploaded media: article audio and issues' digital editions. Files live
//! in the media folder of the data directory (`Settings::media_dir`),
//! named `<uuid>.<ext>`; `media_files` rows record them. This module
//! receives and checks uploads, and files the service makes itself
//! (narrated audio, [`produced`]) the same way; [`wav`] reads the header
//! of a speech engine's WAV stream. Serving files is `routes::media`.

mod format;
pub mod produced;
mod stored;
pub mod upload;
pub mod wav;

pub use format::{MediaFormat, MediaKind, SNIFF_BYTES};
pub use produced::receive_produced;
pub use stored::{MediaRecord, ReceivedFile, StoredFile, remove_replaced};
pub use upload::{Upload, UploadRules, receive};
