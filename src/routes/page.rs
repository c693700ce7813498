//! The one shape every paged list answers with: `{items, page, per_page,
//! total}`. [`Page<T>`] is generic, but its OpenAPI schema keeps each
//! list's own name (`ArticleList`, `ReaderList`, ...), so client generators
//! see the same types as before it existed: each item type names its list
//! through [`Listed`].

use crate::domain::Paging;
use serde::Serialize;
use std::borrow::Cow;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// An item type that is listed in pages.
pub trait Listed: ToSchema {
    /// The name of its list's schema, e.g. `ArticleList`.
    const LIST: &'static str;
    /// What the items are, plural and lower case (`articles`), for the
    /// schema's descriptions.
    const PLURAL: &'static str;
    /// The most items its total counts, when it counts only so far (the
    /// page then says whether its total is exact); `None`: exact always.
    const TOTAL_CAP: Option<i64> = None;
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// This page's number, from 1.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Items in all pages (for a list with a [`Listed::TOTAL_CAP`], at
    /// most the cap).
    pub total: i64,
    /// For a list with a [`Listed::TOTAL_CAP`] only: `false` when more
    /// than `total` items match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_exact: Option<bool>,
}

impl<T> Page<T> {
    /// The page `paging` asked for, holding `items`, of `total` in all.
    pub fn new(paging: Paging, items: Vec<T>, total: i64) -> Self {
        Self {
            items,
            page: paging.page(),
            per_page: paging.per_page(),
            total,
            total_exact: None,
        }
    }

    /// The page `paging` asked for, holding `items`, of `total` counted
    /// up to a cap (`exact`: all were counted).
    pub fn capped(paging: Paging, items: Vec<T>, total: i64, exact: bool) -> Self {
        Self {
            total_exact: Some(exact),
            ..Self::new(paging, items, total)
        }
    }
}

fn integer(description: String) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
}

impl<T: Listed> PartialSchema for Page<T> {
    fn schema() -> RefOr<Schema> {
        let plural = T::PLURAL;
        let total = match T::TOTAL_CAP {
            None => format!("The {plural} in all pages."),
            Some(cap) => format!(
                "The {plural} in all pages, counted up to {cap}: past that, `total` is {cap} and `total_exact` is false."
            ),
        };
        let schema = ObjectBuilder::new()
            .description(Some(format!("A page of {plural}.")))
            .property(
                "items",
                ArrayBuilder::new()
                    .items(Ref::from_schema_name(T::name()))
                    .description(Some(format!("The {plural} of this page."))),
            )
            .required("items")
            .property("page", integer("This page's number, from 1.".to_owned()))
            .required("page")
            .property("per_page", integer("Page size.".to_owned()))
            .required("per_page")
            .property("total", integer(total))
            .required("total");
        match T::TOTAL_CAP {
            None => schema.into(),
            Some(_) => schema
                .property(
                    "total_exact",
                    ObjectBuilder::new()
                        .schema_type(Type::Boolean)
                        .description(Some(format!(
                            "False when more {plural} match than `total` says."
                        ))),
                )
                .required("total_exact")
                .into(),
        }
    }
}

impl<T: Listed> ToSchema for Page<T> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(T::LIST)
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}
