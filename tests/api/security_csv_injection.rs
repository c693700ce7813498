//! Attack: CSV injection (formula injection) through the full-width forms
//! of the formula characters. OWASP's CSV Injection page lists `=`, `+`,
//! `-`, `@`, tab and carriage return as the characters a spreadsheet reads
//! as the start of a formula (<https://owasp.org/www-community/attacks/CSV_Injection>);
//! spreadsheets with East Asian input also take their full-width forms
//! (`＝` `＋` `－` `＠`, U+FF1D, U+FF0B, U+FF0D, U+FF20) as formula starts,
//! so a reader named `＝HYPERLINK(..)` planted a link in the staff export.

use crate::support::helpers::TestApp;
use crate::support::reader_fixtures::{give_address, parse_csv, reader_named};
use masthead::domain::Role;
use reqwest::StatusCode;

on_both_backends!(full_width_formula_characters_are_escaped_in_the_reader_export);

async fn full_width_formula_characters_are_escaped_in_the_reader_export(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let named = reader_named(&app, "fw", "＝HYPERLINK(\"http://evil.example\",\"x\")").await;
    give_address(&app, &named, "＠SUM(A1)").await;
    let plus = reader_named(&app, "plus", "＋1").await;
    let minus = reader_named(&app, "minus", "－1").await;
    let response = app
        .get_auth("/v1/admin/readers/export", &support.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (_, rows) = parse_csv(&response.text().await.unwrap());
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(
        row(&named.id)[2],
        "'＝HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(row(&named.id)[4], "'＠SUM(A1)");
    assert_eq!(row(&plus.id)[2], "'＋1");
    assert_eq!(row(&minus.id)[2], "'－1");
}
