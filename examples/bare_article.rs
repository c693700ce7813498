//! The ceiling for the gate: a bare actix-web server with nothing but one
//! route answering the bytes of an anonymous article page, captured from
//! Masthead by `bench/ceiling`. Same framework, same worker count, same
//! body and content type; no middleware, no state, no database — so the
//! ratio of Masthead's req/s to this one's is what Masthead's own work
//! costs (issue 17, item 4).
//!
//! `cargo run --release --example bare_article -- 127.0.0.1:18190 body.json [workers]`

use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:18190".to_owned());
    let body_file = args.next().expect("the body file's path");
    let workers = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    let body = Bytes::from(std::fs::read(&body_file)?);
    HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/v1/articles/{slug}",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type(ContentType::json())
                        .body(body)
                }
            }),
        )
    })
    .workers(workers)
    .backlog(4096)
    .bind(bind)?
    .run()
    .await
}
