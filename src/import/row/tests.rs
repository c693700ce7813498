use super::*;

const HEADERS: [&str; 11] = [
    "Email",
    "NAME",
    "password_hash",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "tier",
    "paid_until",
];

fn columns() -> Columns {
    Columns::from_headers(&StringRecord::from(HEADERS.to_vec())).unwrap()
}

fn tiers() -> TierCatalogue {
    HashMap::from([("digital".to_owned(), false), ("print".to_owned(), true)])
}

/// A good row, with `changes` applied as (column, value).
fn row(changes: &[(&str, &str)]) -> StringRecord {
    let mut fields = vec![
        "Ada@Example.COM",
        "Ada Lovelace",
        "",
        "1 Fleet Street",
        "",
        "London",
        "",
        "EC4Y 1AA",
        "gb",
        "",
        "",
    ];
    for (column, value) in changes {
        let at = HEADERS
            .iter()
            .position(|h| h.eq_ignore_ascii_case(column))
            .unwrap();
        fields[at] = value;
    }
    StringRecord::from(fields)
}

fn parse(changes: &[(&str, &str)]) -> Result<ReaderRecord, Rejection> {
    parse_row(&columns(), &row(changes), &tiers())
}

#[test]
fn a_good_row_is_normalised() {
    let record = parse(&[]).unwrap();
    assert_eq!(record.email.as_str(), "ada@example.com");
    assert_eq!(record.name.as_str(), "Ada Lovelace");
    assert_eq!(record.address.unwrap().country, "GB");
    assert_eq!(record.password_hash, None);
    assert_eq!(record.paid, None);
    assert!(record.warnings.is_empty());
}

#[test]
fn headers_match_in_any_case_and_order_and_unknown_ones_are_ignored() {
    let headers = StringRecord::from(vec!["Legacy ID", " NAME ", "email"]);
    let columns = Columns::from_headers(&headers).unwrap();
    let record = StringRecord::from(vec!["42", "Grace", "grace@example.com"]);
    let parsed = parse_row(&columns, &record, &tiers()).unwrap();
    assert_eq!(parsed.email.as_str(), "grace@example.com");
    assert!(parsed.address.is_none());
}

#[test]
fn missing_required_headers_are_named() {
    let error = Columns::from_headers(&StringRecord::from(vec!["mail", "tier"])).unwrap_err();
    assert!(error.contains("email, name"), "{error}");
    let error = Columns::from_headers(&StringRecord::from(vec!["email"])).unwrap_err();
    assert!(error.ends_with("name"), "{error}");
}

#[test]
fn a_wrong_column_count_is_rejected() {
    let short = StringRecord::from(vec!["ada@example.com", "Ada"]);
    assert_eq!(
        parse_row(&columns(), &short, &tiers()).unwrap_err(),
        Rejection::ColumnCount {
            expected: 11,
            found: 2
        }
    );
}

#[test]
fn bad_email_and_name_are_rejected() {
    assert!(matches!(
        parse(&[("email", "not-an-address")]),
        Err(Rejection::Email(_))
    ));
    assert!(matches!(parse(&[("email", "")]), Err(Rejection::Email(_))));
    assert!(matches!(parse(&[("name", "  ")]), Err(Rejection::Name(_))));
    let long = "n".repeat(101);
    assert!(matches!(parse(&[("name", &long)]), Err(Rejection::Name(_))));
}

#[test]
fn hashes_are_kept_when_bcrypt_or_argon2_and_rejected_otherwise() {
    let bcrypt = "$2y$10$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie";
    let argon2 = "$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    for hash in [bcrypt, argon2] {
        let record = parse(&[("password_hash", hash)]).unwrap();
        assert_eq!(record.password_hash.as_deref(), Some(hash));
    }
    for bad in [
        "5f4dcc3b5aa765d61d8327deb882cf99",
        "$1$salt$hash",
        "$2b$10$tooshort",
    ] {
        assert!(
            matches!(
                parse(&[("password_hash", bad)]),
                Err(Rejection::PasswordHash(_))
            ),
            "{bad} accepted"
        );
    }
}

#[test]
fn a_tier_must_exist_and_come_with_a_valid_paid_until() {
    assert_eq!(
        parse(&[("tier", "platinum"), ("paid_until", "2030-01-01")]).unwrap_err(),
        Rejection::UnknownTier("platinum".to_owned())
    );
    assert_eq!(
        parse(&[("tier", "digital")]).unwrap_err(),
        Rejection::MissingPaidUntil
    );
    assert!(matches!(
        parse(&[("tier", "digital"), ("paid_until", "31/12/2030")]),
        Err(Rejection::PaidUntil(_))
    ));
    let record = parse(&[("tier", "digital"), ("paid_until", "2030-12-31")]).unwrap();
    assert_eq!(record.paid.unwrap().tier, "digital");
}

#[test]
fn paid_until_accepts_rfc3339_and_whole_days() {
    let instant = parse_paid_until("2030-06-01T12:30:00+02:00").unwrap();
    assert_eq!(instant.to_rfc3339(), "2030-06-01T10:30:00+00:00");
    let day = parse_paid_until("2030-12-31").unwrap();
    assert_eq!(day.to_rfc3339(), "2031-01-01T00:00:00+00:00");
    for bad in ["2030-02-30", "2030-1-1x", "tomorrow", "2030-06-01 12:00"] {
        assert!(parse_paid_until(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn an_address_is_complete_or_absent() {
    let none = parse(&[
        ("address_line1", ""),
        ("city", ""),
        ("postal_code", ""),
        ("country", ""),
    ])
    .unwrap();
    assert!(none.address.is_none());
    let half = parse(&[("city", ""), ("postal_code", "")]).unwrap_err();
    let Rejection::Address(reason) = half else {
        panic!("{half:?}")
    };
    assert!(
        reason.contains("city") && reason.contains("postal_code"),
        "{reason}"
    );
    assert!(matches!(
        parse(&[("country", "Great Britain")]),
        Err(Rejection::Address(_))
    ));
}

#[test]
fn print_without_an_address_is_accepted() {
    let record = parse(&[
        ("address_line1", ""),
        ("city", ""),
        ("postal_code", ""),
        ("country", ""),
        ("tier", "print"),
        ("paid_until", "2030-01-01"),
    ])
    .unwrap();
    assert!(record.address.is_none());
    assert!(record.paid.unwrap().ships_print);
    assert!(record.warnings.is_empty());
}

#[test]
fn paid_until_without_a_tier_is_a_warning() {
    let record = parse(&[("paid_until", "2030-01-01")]).unwrap();
    assert!(record.paid.is_none());
    assert_eq!(record.warnings, ["paid_until without a tier is ignored"]);
}
