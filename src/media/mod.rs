//! Uploaded media: article audio and issues' digital editions. Files live
//! in the media folder of the data directory (`Settings::media_dir`),
//! named `<uuid>.<ext>`; `media_files` rows record them. This module
//! receives and checks uploads; serving them is `routes::media`.

mod format;
mod stored;
pub mod upload;

pub use format::{MediaFormat, MediaKind};
pub use stored::{MediaRecord, ReceivedFile, StoredFile, remove_replaced};
pub use upload::{Upload, UploadRules, receive};
