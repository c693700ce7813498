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
    /// Items in all pages.
    pub total: i64,
}

impl<T> Page<T> {
    /// The page `paging` asked for, holding `items`, of `total` in all.
    pub fn new(paging: Paging, items: Vec<T>, total: i64) -> Self {
        Self {
            items,
            page: paging.page(),
            per_page: paging.per_page(),
            total,
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
        ObjectBuilder::new()
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
            .property("total", integer(format!("The {plural} in all pages.")))
            .required("total")
            .into()
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
