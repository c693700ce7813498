//! The JWKS lets anyone verify our access tokens, keys rotate without
//! logging readers out, and the `perks` claim mirrors the gate at issuance.

use crate::support::fixtures::subscription;
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use masthead::domain::SubscriptionState;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    tokens_verify_with_the_published_keys_alone,
    forged_tokens_are_refused
);

async fn fetch_jwks(app: &TestApp) -> JwkSet {
    let response = app.get("/.well-known/jwks.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=300",
        "verifiers may cache the key set"
    );
    response.json().await.unwrap()
}

/// Verifies `token` the way an independent service would: with nothing but
/// the published key set, EdDSA only, our issuer and audience.
fn verify_independently(jwks: &JwkSet, token: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.expect("tokens name their key");
    let jwk = jwks.find(&kid).expect("the token's key is published");
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&["masthead"]);
    validation.set_audience(&["masthead"]);
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .expect("the token verifies with the published key")
        .claims
}

async fn tokens_verify_with_the_published_keys_alone(app: TestApp) {
    let raw: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let key = &raw["keys"][0];
    for (field, value) in [
        ("kty", "OKP"),
        ("crv", "Ed25519"),
        ("use", "sig"),
        ("alg", "EdDSA"),
    ] {
        assert_eq!(key[field], value, "{raw}");
    }
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(key["x"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );

    let jwks = fetch_jwks(&app).await;
    let reader = app.new_reader().await;
    let login: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_independently(&jwks, login["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], reader.id.as_str());
    assert_eq!(claims["perks"], json!([]), "a new reader holds no perks");

    let in_30_days = Some(Utc::now() + Duration::days(30));
    subscription("digital", SubscriptionState::Active)
        .period_end(in_30_days)
        .give(&app, &reader.id);
    let refreshed: Value = app
        .refresh(login["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let claims = verify_independently(&jwks, refreshed["access_token"].as_str().unwrap());
    assert_eq!(
        claims["perks"],
        json!(["archive", "audio", "digital_edition", "exclusive_content"]),
        "a refresh reads the reader's subscriptions afresh"
    );
}

fn encode(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).unwrap()
}

fn fresh_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng)
}

fn private_pem(key: &ed25519_dalek::SigningKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
}

async fn forged_tokens_are_refused(app: TestApp) {
    let reader = app.new_reader().await;
    let jwks = fetch_jwks(&app).await;
    let claims = verify_independently(&jwks, &reader.access_token);
    let kid = jwks.keys[0].common.key_id.clone().unwrap();
    let raw_jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let x = raw_jwks["keys"][0]["x"].as_str().unwrap().to_owned();

    let with_kid = |alg: Algorithm, kid: Option<&str>| {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        header
    };
    let app_key = EncodingKey::from_ed_pem(app.signing_key_pem().as_bytes()).unwrap();
    let stranger = EncodingKey::from_ed_pem(private_pem(&fresh_key()).as_bytes()).unwrap();
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let forgeries = [
        ("alg none", alg_none),
        (
            "HS256 keyed with the public x",
            encode(
                &with_kid(Algorithm::HS256, Some(&kid)),
                &claims,
                &EncodingKey::from_secret(x.as_bytes()),
            ),
        ),
        (
            "HS256 keyed with the public key bytes",
            encode(
                &with_kid(Algorithm::HS256, Some(&kid)),
                &claims,
                &EncodingKey::from_secret(&URL_SAFE_NO_PAD.decode(&x).unwrap()),
            ),
        ),
        (
            "a stranger's key under an unknown kid",
            encode(
                &with_kid(Algorithm::EdDSA, Some("unknown-kid")),
                &claims,
                &stranger,
            ),
        ),
        (
            "a stranger's key under our kid",
            encode(&with_kid(Algorithm::EdDSA, Some(&kid)), &claims, &stranger),
        ),
        (
            "our key without a kid",
            encode(&with_kid(Algorithm::EdDSA, None), &claims, &app_key),
        ),
    ];
    for (what, token) in forgeries {
        let response = app.get_auth("/v1/me", &token).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{what} accepted"
        );
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let genuine = encode(&with_kid(Algorithm::EdDSA, Some(&kid)), &claims, &app_key);
    assert_eq!(
        app.get_auth("/v1/me", &genuine).await.status(),
        StatusCode::OK,
        "the forgeries fail for what they change, not for being re-signed"
    );
}

async fn rotation_keeps_old_tokens_valid(backend: Backend) {
    let (old_key, new_key) = (fresh_key(), fresh_key());
    let before = spawn_app_with(backend, |s| {
        s.jwt_private_key = Some(private_pem(&old_key).into());
    })
    .await;
    let reader = before.new_reader().await;
    let old_kid = jsonwebtoken::decode_header(&reader.access_token)
        .unwrap()
        .kid
        .unwrap();

    // The same database, now signing with the new key and still accepting
    // the old one by its public half.
    let old_public = old_key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let database_url = before.database_url.clone();
    let after = spawn_app_with(backend, |s| {
        s.database_url = Some(database_url.into());
        s.jwt_private_key = Some(private_pem(&new_key).into());
        s.jwt_previous_public_keys = vec![old_public];
    })
    .await;
    assert_eq!(
        after
            .get_auth("/v1/me", &reader.access_token)
            .await
            .status(),
        StatusCode::OK,
        "a token signed before the rotation still works"
    );
    let refreshed: Value = after
        .refresh(&reader.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let new_token = refreshed["access_token"].as_str().unwrap();
    let new_kid = jsonwebtoken::decode_header(new_token).unwrap().kid.unwrap();
    assert_ne!(new_kid, old_kid, "new tokens are signed by the new key");

    let jwks = fetch_jwks(&after).await;
    let kids: Vec<String> = jwks
        .keys
        .iter()
        .map(|k| k.common.key_id.clone().unwrap())
        .collect();
    assert_eq!(kids, [new_kid, old_kid], "the current key first");
    verify_independently(&jwks, &reader.access_token);
    verify_independently(&jwks, new_token);

    // The instance that only knows the old key refuses the new tokens.
    assert_problem(
        before.get_auth("/v1/me", new_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_sqlite() {
    rotation_keeps_old_tokens_valid(Backend::Sqlite).await;
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_postgres() {
    rotation_keeps_old_tokens_valid(Backend::Postgres).await;
}
