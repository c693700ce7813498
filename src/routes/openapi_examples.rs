//! An example for every schema of the OpenAPI document, so a generated
//! client's documentation, `/docs` and contract tests all have a value to
//! show. A schema's own `example` (given with `#[schema(example = ..)]` on
//! the type or its fields) wins; otherwise one is composed from its parts:
//! field examples, referenced schemas, the first enum value, and, for a
//! field with none of these, a value that fits its format and name.

use serde_json::{Map, Value, json};

/// How deep references are followed (schemas that contain themselves stop).
const MAX_DEPTH: usize = 8;

/// Gives every component schema without an `example` a composed one.
pub fn add_examples(document: &mut Value) {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    for (name, schema) in &schemas {
        if schema.get("example").is_some() {
            continue;
        }
        let example = example_of(schema, name, &schemas, 0);
        if let Some(target) = document
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
        {
            target.insert("example".to_owned(), example);
        }
    }
}

/// An example of `schema`; `name` is the field (or schema) it belongs to.
fn example_of(schema: &Value, name: &str, schemas: &Map<String, Value>, depth: usize) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.rsplit('/').next().unwrap_or_default();
        return schemas
            .get(target)
            .map_or(Value::Null, |s| example_of(s, name, schemas, depth + 1));
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(fields) = example_of(part, name, schemas, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let chosen = options
                .iter()
                .find(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                .or_else(|| options.first());
            return chosen.map_or(Value::Null, |o| example_of(o, name, schemas, depth + 1));
        }
    }
    match type_of(schema) {
        Some("object") => {
            let properties = schema.get("properties").and_then(Value::as_object);
            Value::Object(
                properties
                    .into_iter()
                    .flatten()
                    .map(|(field, s)| (field.clone(), example_of(s, field, schemas, depth + 1)))
                    .collect(),
            )
        }
        Some("array") => {
            let item = schema.get("items").map_or(Value::Null, |items| {
                example_of(items, name, schemas, depth + 1)
            });
            Value::Array(vec![item])
        }
        Some("string") => json!(string_example(schema, name)),
        Some("integer") => json!(integer_example(schema, name)),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => Value::Null,
    }
}

/// The schema's type, the first that is not `null` when it lists several.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn string_example(schema: &Value, name: &str) -> String {
    let example = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-06-30T12:00:00Z",
        Some("date") => "2026-06-30",
        Some("uri" | "url") => "https://www.magazine.example/",
        Some("uuid") => "01932c07-8f4e-7d5a-9c1b-2f3e4d5a6b7c",
        _ => match name {
            n if n.contains("email") => "ada@example.com",
            "id" => "01932c07-8f4e-7d5a-9c1b-2f3e4d5a6b7c",
            n if n.ends_with("_id") => "01932c07-8f4e-7d5a-9c1b-2f3e4d5a6b7c",
            n if n.ends_with("_at") || n.ends_with("_until") || n == "until" => {
                "2026-06-30T12:00:00Z"
            }
            n if n.contains("url") => "https://www.magazine.example/",
            "slug" => "cities-of-water",
            "tier" | "tier_id" => "digital",
            "currency" => "EUR",
            "interval" => "month",
            "name" => "Ada Lovelace",
            n if n.contains("token") => "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu",
            n if n.contains("reason") || n.contains("note") => "Asked by phone",
            "title" => "Cities of water",
            "country" => "GB",
            "code" => "email_taken",
            _ => "text",
        },
    };
    example.to_owned()
}

fn integer_example(schema: &Value, name: &str) -> i64 {
    let at_least = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
    let example = if name.ends_with("_cents") {
        900
    } else if name == "status" {
        422
    } else {
        1
    };
    example.max(at_least)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_composed_from_fields_references_and_formats() {
        let mut document = json!({"components": {"schemas": {
            "Given": {"type": "object", "example": {"kept": true}},
            "State": {"type": "string", "enum": ["active", "canceling"]},
            "View": {"type": "object", "required": ["email", "state"], "properties": {
                "email": {"type": "string"},
                "state": {"$ref": "#/components/schemas/State"},
                "ends_at": {"type": ["string", "null"], "format": "date-time"},
                "price_cents": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string", "example": "x"}},
            }},
        }}});
        add_examples(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Given"]["example"], json!({"kept": true}));
        assert_eq!(schemas["State"]["example"], "active");
        assert_eq!(
            schemas["View"]["example"],
            json!({
                "email": "ada@example.com",
                "state": "active",
                "ends_at": "2026-06-30T12:00:00Z",
                "price_cents": 900,
                "tags": ["x"],
            })
        );
    }
}
