//! What an editor's PATCH asks of a field that can be cleared: keep it,
//! clear it, or set it. The use cases take it as sent, so "left out" and
//! "`null`" stay apart all the way to the row.

/// What a PATCH does to a nullable column.
#[derive(Debug)]
pub enum Change<T> {
    /// Left out: keep the stored value.
    Keep,
    /// `null`: clear it.
    Clear,
    /// A new value.
    Set(T),
}

impl<T> Change<T> {
    /// The diesel changeset form: outer `None` keeps, `Some(None)` clears.
    #[allow(clippy::option_option)]
    pub fn into_column<U>(self, f: impl FnOnce(T) -> U) -> Option<Option<U>> {
        match self {
            Self::Keep => None,
            Self::Clear => Some(None),
            Self::Set(value) => Some(Some(f(value))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_to_the_changeset_form() {
        assert_eq!(Change::<i32>::Keep.into_column(|n| n), None);
        assert_eq!(Change::<i32>::Clear.into_column(|n| n), Some(None));
        assert_eq!(Change::Set(3).into_column(|n| n + 1), Some(Some(4)));
    }
}
