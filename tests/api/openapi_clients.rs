//! The OpenAPI document generates good clients: operation ids are unique
//! (OpenAPI 3.1 §4.8.10, <https://spec.openapis.org/oas/v3.1.0#operation-object>:
//! "The id MUST be unique among all operations"; generators key methods by
//! it, so a duplicate silently replaces one operation's types with
//! another's), request fields a call cannot do without are `required`, and
//! every schema has an example that includes its required fields.
//! `.ci/typescript-client` then type-checks real calls against the client
//! openapi-typescript generates.

use crate::support::helpers::TestApp;
use serde_json::Value;
use std::collections::BTreeSet;

on_both_backends!(the_document_is_fit_for_client_generators);

async fn the_document_is_fit_for_client_generators(app: TestApp) {
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    let mut ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(
                ids.insert(id.to_owned()),
                "operationId {id} twice ({method} {path})"
            );
        }
    }

    let schemas = document["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        let example = schema
            .get("example")
            .unwrap_or_else(|| panic!("{name} has no example"));
        for field in schema["required"].as_array().into_iter().flatten() {
            let field = field.as_str().unwrap();
            assert!(
                example.get(field).is_some(),
                "{name}'s example lacks its required {field}: {example}"
            );
        }
    }

    let required = |name: &str| -> BTreeSet<String> {
        schemas[name]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} lists no required fields"))
            .iter()
            .map(|f| f.as_str().unwrap().to_owned())
            .collect()
    };
    let set = |fields: &[&str]| {
        fields
            .iter()
            .map(|f| (*f).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        required("SignupRequest"),
        set(&["email", "name", "password"])
    );
    assert_eq!(required("LoginRequest"), set(&["email", "password"]));
    assert_eq!(required("CheckoutRequestBody"), set(&["interval", "tier"]));
    assert_eq!(required("CompBody"), set(&["reason", "tier", "until"]));
    // A required field that is an `Option` in Rust (so a missing one is a
    // field error, not a decoding error) is still a plain string to clients.
    assert_eq!(
        schemas["CompBody"]["properties"]["reason"]["type"],
        "string"
    );
    // Optional stays optional.
    assert!(!required("CheckoutRequestBody").contains("currency"));

    let description = document["info"]["description"].as_str().unwrap();
    for convention in [
        "## Errors",
        "## Authentication",
        "## Paging",
        "## Idempotency",
        "/problems/{code}",
    ] {
        assert!(
            description.contains(convention),
            "info.description lacks {convention}"
        );
    }
}
