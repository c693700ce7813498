//! `GET /docs`: an interactive reference of `/openapi.json` (Swagger UI),
//! whose scripts and styles Masthead serves itself from `assets/docs`
//! compiled into the binary, so the page loads nothing from another
//! origin and works on a machine without internet access.

mod assets;
mod page;

pub use assets::docs_asset;
pub use page::docs_page;
