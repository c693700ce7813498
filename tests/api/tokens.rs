//! Access tokens are refused unless signed by our key, with EdDSA, for our
//! issuer and audience, and unexpired.

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(forged_and_foreign_tokens_are_401, tampered_token_is_401);

/// Decodes the payload of a JWT without checking it.
fn claims_of(token: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

fn sign_with_app_key(app: &TestApp, header: &Header, claims: &Value) -> String {
    let key = EncodingKey::from_ed_pem(app.signing_key_pem().as_bytes()).unwrap();
    jsonwebtoken::encode(header, claims, &key).unwrap()
}

async fn forged_and_foreign_tokens_are_401(app: TestApp) {
    let reader = app.new_reader().await;
    let claims = claims_of(&reader.access_token);
    let real_header = jsonwebtoken::decode_header(&reader.access_token).unwrap();

    // Re-signing the same claims with our key and header is accepted: the
    // forgeries below fail for what they change, not for being re-signed.
    let resigned = sign_with_app_key(&app, &real_header, &claims);
    assert_eq!(
        app.get_auth("/v1/me", &resigned).await.status(),
        StatusCode::OK
    );

    let mut wrong_audience = claims.clone();
    wrong_audience["aud"] = json!("another-service");
    let mut wrong_issuer = claims.clone();
    wrong_issuer["iss"] = json!("https://evil.example");
    let mut no_kid = real_header.clone();
    no_kid.kid = None;
    let mut wrong_kid = real_header.clone();
    wrong_kid.kid = Some("someone-elses-key".into());

    let other_key = {
        let other = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let pem = other.to_pkcs8_pem(LineEnding::LF).unwrap();
        EncodingKey::from_ed_pem(pem.as_bytes()).unwrap()
    };
    let hs256_with_public_key = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid.clone_from(&real_header.kid);
        jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(app.signing_key_pem().as_bytes()),
        )
        .unwrap()
    };
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD
            .encode(json!({"alg": "none", "typ": "JWT", "kid": real_header.kid}).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );

    let forgeries = [
        (
            "wrong audience",
            sign_with_app_key(&app, &real_header, &wrong_audience),
        ),
        (
            "wrong issuer",
            sign_with_app_key(&app, &real_header, &wrong_issuer),
        ),
        ("no kid", sign_with_app_key(&app, &no_kid, &claims)),
        ("unknown kid", sign_with_app_key(&app, &wrong_kid, &claims)),
        (
            "another key",
            jsonwebtoken::encode(&real_header, &claims, &other_key).unwrap(),
        ),
        ("HS256", hs256_with_public_key),
        ("alg none", alg_none),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (what, token) in forgeries {
        let response = app.get_auth("/v1/me", &token).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{what} was accepted"
        );
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
}

async fn tampered_token_is_401(app: TestApp) {
    let reader = app.new_reader().await;
    let mut claims = claims_of(&reader.access_token);
    claims["role"] = json!("admin");
    let parts: Vec<&str> = reader.access_token.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert_problem(
        app.get_auth("/v1/me", &tampered).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

async fn expired_tokens_are_401(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.access_token_ttl_seconds = -60).await;
    let reader = app.new_reader().await;
    assert_problem(
        app.get_auth("/v1/me", &reader.access_token).await,
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;
    // A refresh still works and yields a (here again expired) token: the
    // refresh token's own lifetime is independent.
    assert_eq!(
        app.refresh(&reader.refresh_token).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn expired_tokens_are_401_sqlite() {
    expired_tokens_are_401(Backend::Sqlite).await;
}

#[tokio::test]
async fn expired_tokens_are_401_postgres() {
    expired_tokens_are_401(Backend::Postgres).await;
}
