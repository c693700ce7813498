//! Which slice of a list a client asked for: pages numbered from 1, at
//! most 100 items each (20 by default), the same for every list.

use super::FieldError;

/// The most items one page holds.
pub const MAX_PER_PAGE: i64 = 100;

/// Items per page when the client does not say.
pub const DEFAULT_PER_PAGE: i64 = 20;

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    /// Checks `page` (from 1) and `per_page` (1 to 100), each defaulted
    /// when absent; every bad parameter is reported, at its name.
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> Result<Self, Vec<FieldError>> {
        let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(DEFAULT_PER_PAGE));
        let mut errors = Vec::new();
        if page < 1 {
            errors.push(FieldError::new("out_of_range", "page starts at 1").at("page"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(
                FieldError::new("out_of_range", "per_page is between 1 and 100").at("per_page"),
            );
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(errors)
        }
    }

    /// The first `count` items, for a list the service itself bounds (an
    /// issue's table of contents), not one a client pages through.
    pub fn first(count: i64) -> Self {
        Self {
            page: 1,
            per_page: count.max(1),
        }
    }

    /// The page's number, from 1.
    pub fn page(self) -> i64 {
        self.page
    }

    /// How many items a page holds (the query's `LIMIT`).
    pub fn per_page(self) -> i64 {
        self.per_page
    }

    /// How many items come before this page (the query's `OFFSET`); it
    /// saturates, so a huge page number asks for an empty page rather than
    /// overflowing.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page_of_twenty() {
        let paging = Paging::parse(None, None).unwrap();
        assert_eq!(
            (paging.page(), paging.per_page(), paging.offset()),
            (1, 20, 0)
        );
    }

    #[test]
    fn offset_counts_the_pages_before() {
        let paging = Paging::parse(Some(3), Some(50)).unwrap();
        assert_eq!(paging.offset(), 100);
    }

    #[test]
    fn a_huge_page_number_saturates_instead_of_overflowing() {
        let paging = Paging::parse(Some(i64::MAX), Some(100)).unwrap();
        assert_eq!(paging.offset(), i64::MAX);
    }

    #[test]
    fn every_bad_parameter_is_reported() {
        let errors = Paging::parse(Some(0), Some(101)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
        assert!(Paging::parse(None, Some(0)).is_err());
        assert!(Paging::parse(Some(-1), None).is_err());
    }
}
