//! The arrows between `src/`'s modules point one way. This test reads every
//! `crate::…` and `super::…` path in `src/` (in `use` lines and inline),
//! builds the graph between top-level modules and the graph between
//! `billing/`'s submodules, and fails on any cycle, naming the files that
//! close it. It also holds the layers of docs/architecture.md: nothing
//! below the web layer reaches up into `startup`, `state` or `routes`.
//!
//! A plain scan rather than `cargo modules`: no extra tool in CI, and it
//! runs with `cargo test`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One edge of the graph and a file that makes it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// Modules that serve HTTP or compose the application; the rest of the
/// library must not import them.
const WEB_LAYER: &[&str] = &["startup", "state", "routes", "pages", "cli", "demo"];

/// The library below the web layer (docs/architecture.md, "Layers").
const BELOW_THE_WEB: &[&str] = &["auth", "billing", "db", "domain", "metrics"];

#[test]
fn no_cycle_between_top_level_modules() {
    let files = source_files();
    let graph = graph_at_depth(&files, &[], &BTreeMap::new());
    assert_no_cycle("top-level modules", &graph);
}

/// Between billing's direct submodules (`provider`, `webhooks`,
/// `follow_ups`, `plan_change`, `refund`, `staff`, `checkout`, ...): a
/// file deeper down counts for the submodule it is in, so
/// `billing/provider/stripe/setup.rs` is `provider`.
#[test]
fn no_cycle_between_billing_submodules() {
    let files = source_files();
    let reexports = reexports(&files, &["billing"]);
    let graph = graph_at_depth(&files, &["billing"], &reexports);
    assert_no_cycle("billing's submodules", &graph);
}

/// The provider seam only talks to the outside world: it imports nothing
/// else of `billing/` (no checkout completion, no webhooks), so the use
/// cases above it decide what its answers change here.
#[test]
fn the_provider_imports_no_other_part_of_billing() {
    let files = source_files();
    let reexports = reexports(&files, &["billing"]);
    let graph = graph_at_depth(&files, &["billing"], &reexports);
    let wrong: Vec<String> = graph
        .get("provider")
        .into_iter()
        .flatten()
        .map(|(target, by)| format!("provider -> {target} ({})", join(by)))
        .collect();
    assert!(
        wrong.is_empty(),
        "billing/provider/ imports the use cases above it:\n{}",
        wrong.join("\n")
    );
}

/// Inside the provider: the seam's types, idempotency keys, the
/// development provider and Stripe.
#[test]
fn no_cycle_between_provider_submodules() {
    let files = source_files();
    let parent = ["billing", "provider"];
    let graph = graph_at_depth(&files, &parent, &reexports(&files, &parent));
    assert_no_cycle("billing/provider's submodules", &graph);
}

#[test]
fn nothing_below_the_web_layer_imports_it() {
    let files = source_files();
    let graph = graph_at_depth(&files, &[], &BTreeMap::new());
    let mut wrong = Vec::new();
    for low in BELOW_THE_WEB {
        for (target, by) in graph.get(*low).into_iter().flatten() {
            if WEB_LAYER.contains(&target.as_str()) {
                wrong.push(format!("{low} -> {target} ({})", join(by)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "modules below the web layer import it:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn domain_imports_only_domain() {
    let files = source_files();
    let graph = graph_at_depth(&files, &[], &BTreeMap::new());
    let wrong: Vec<String> = graph
        .get("domain")
        .into_iter()
        .flatten()
        .map(|(target, by)| format!("domain -> {target} ({})", join(by)))
        .collect();
    assert!(
        wrong.is_empty(),
        "domain/ must stand alone:\n{}",
        wrong.join("\n")
    );
}

/// Handlers extract, call one function and respond: the transactions and
/// the SQL are below them (docs/architecture.md, "Layers"). A route file
/// that opens a write transaction or names diesel has taken a use case's
/// or `db/`'s job.
#[test]
fn no_route_opens_a_transaction_or_names_diesel() {
    let wrong: Vec<String> = source_files()
        .iter()
        .filter(|file| file.path.starts_with("routes/"))
        .filter(|file| {
            [
                "write_transaction",
                "diesel::",
                "use diesel",
                ".transaction(",
            ]
            .iter()
            .any(|needle| file.text.contains(needle))
        })
        .map(|file| file.path.clone())
        .collect();
    assert!(
        wrong.is_empty(),
        "route files with a transaction or diesel:\n{}",
        wrong.join("\n")
    );
}

/// The checker itself finds a cycle (a test that cannot fail proves nothing).
#[test]
fn the_checker_sees_a_cycle() {
    let files = vec![
        SourceFile::new("billing/a.rs", "use super::b::X;"),
        SourceFile::new("billing/b.rs", "fn f() { crate::billing::c::Y::new(); }"),
        SourceFile::new("billing/c.rs", "use crate::{billing::{a::Z, d}, db};"),
        SourceFile::new("billing/d.rs", "fn f() { crate::billing::Renamed::new(); }"),
        SourceFile::new("billing/e.rs", "use super::{d as dd, a::W as V};"),
        SourceFile::new(
            "billing/mod.rs",
            "mod a; mod b; pub use b::X; pub use e::Y as Renamed;",
        ),
        SourceFile::new("db/mod.rs", "use crate::billing::X;"),
        SourceFile::new(
            "auth.rs",
            "// use crate::db;\nuse crate::error;\n#[cfg(test)]\nmod tests { use crate::db; fn f() {} }",
        ),
    ];
    let sub = graph_at_depth(&files, &["billing"], &reexports(&files, &["billing"]));
    assert_eq!(tangles(&sub), [set(&["a", "b", "c", "d", "e"])]);
    let from_e: Vec<&String> = sub["e"].keys().collect();
    assert_eq!(from_e, ["a", "d"], "an alias is no module");
    let top = graph_at_depth(&files, &[], &BTreeMap::new());
    assert_eq!(tangles(&top), [set(&["billing", "db"])]);
    let file = SourceFile::new(
        "x.rs",
        "let s = r#\"crate::db\"#; let c = '\\''; use crate::auth;",
    );
    assert_eq!(paths_in(&file), [vec!["auth".to_owned()]]);
    let auth: Vec<&String> = top["auth"].keys().collect();
    assert_eq!(auth, ["error"], "comments are not imports");
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Text of one file under `src/` and the module path it defines.
struct SourceFile {
    path: String,
    module: Vec<String>,
    text: String,
}

impl SourceFile {
    fn new(path: &str, text: &str) -> Self {
        Self {
            path: path.to_owned(),
            module: module_of(path),
            text: without_test_modules(&strip_comments(text)),
        }
    }
}

fn source_files() -> Vec<SourceFile> {
    // IMPORT_CYCLES_SRC points the check at another checkout's src/ (to see
    // what it finds in an older commit); by default it reads this one.
    let root = std::env::var_os("IMPORT_CYCLES_SRC").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        PathBuf::from,
    );
    let mut paths = Vec::new();
    collect(&root, &mut paths);
    paths
        .iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).ok()?.to_str()?.replace('\\', "/");
            // The binary is no module of the library; `x/tests.rs` files are
            // `#[cfg(test)] mod tests;` (see `without_test_modules`).
            if relative == "main.rs" || relative == "lib.rs" || relative.ends_with("/tests.rs") {
                return None;
            }
            let text = std::fs::read_to_string(path).ok()?;
            Some(SourceFile::new(&relative, &text))
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `billing/stripe/mod.rs` -> `billing::stripe`, `db/pool.rs` -> `db::pool`.
fn module_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Drops comments (doc links are not imports), string and char literals.
fn strip_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            // r"…" or r#"…"#: ends at the quote followed by as many hashes.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len()
                && !(chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')))
            {
                j += 1;
            }
            i = j + 1 + hashes;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{..}'
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push(' ');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Drops `#[cfg(test)]` items: a unit test may import the layer above to
/// check its own module against it (`problem_types` lists `ApiError`'s
/// codes), and that is no dependency of the library.
fn without_test_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = match (after.find('{'), after.find(';')) {
            // `#[cfg(test)] mod tests;` or a `use` line
            (Some(open), Some(semi)) if semi < open => semi + 1,
            (Some(open), _) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(semi)) => semi + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path a file names through `crate::` or `super::`, made absolute.
fn paths_in(file: &SourceFile) -> Vec<Vec<String>> {
    let text = &file.text;
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (start, prefix) in [("crate::", true), ("super::", false)]
        .iter()
        .flat_map(|(word, is_crate)| text.match_indices(word).map(move |(i, _)| (i, *is_crate)))
    {
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
            continue;
        }
        let (base, skip) = if prefix {
            (Vec::new(), "crate::".len())
        } else {
            let mut base = file.module.clone();
            let mut at = start;
            // `super::super::x` climbs once per `super`.
            while text[at..].starts_with("super::") {
                base.pop();
                at += "super::".len();
            }
            if start > 0 && text[..start].ends_with("super::") {
                continue;
            }
            (base, at - start)
        };
        let mut cursor = start + skip;
        for tail in parse_tree(text, &mut cursor) {
            let mut path = base.clone();
            path.extend(tail);
            found.push(path);
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` from `cursor`, returning each leaf path.
fn parse_tree(text: &str, cursor: &mut usize) -> Vec<Vec<String>> {
    skip_space(text, cursor);
    if text[*cursor..].starts_with('{') {
        *cursor += 1;
        let mut all = Vec::new();
        loop {
            skip_space(text, cursor);
            match text[*cursor..].chars().next() {
                None => return all,
                Some('}') => {
                    *cursor += 1;
                    return all;
                }
                Some(',') => *cursor += 1,
                _ => {
                    let before = *cursor;
                    all.extend(parse_tree(text, cursor));
                    if *cursor == before {
                        *cursor += text[*cursor..].chars().next().map_or(1, char::len_utf8);
                    }
                }
            }
        }
    }
    let ident: String = text[*cursor..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        return vec![Vec::new()];
    }
    *cursor += ident.len();
    if text[*cursor..].starts_with("::") {
        *cursor += 2;
        let mut out = parse_tree(text, cursor);
        for path in &mut out {
            if ident != "self" {
                path.insert(0, ident.clone());
            }
        }
        out
    } else if ident == "self" {
        vec![Vec::new()]
    } else if let Some(alias) = alias(text, cursor) {
        // `X as Y`: the leaf is named Y from here on (see `reexports`).
        vec![vec![ident, alias]]
    } else {
        vec![vec![ident]]
    }
}

/// Reads ` as Y` at `cursor`, if it is there, and returns `Y`.
fn alias(text: &str, cursor: &mut usize) -> Option<String> {
    let rest = &text[*cursor..];
    let after_as = rest.trim_start().strip_prefix("as")?;
    let name_at = after_as.trim_start();
    if name_at.len() == after_as.len() || rest.len() == rest.trim_start().len() {
        return None;
    }
    let name: String = name_at
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return None;
    }
    *cursor += rest.len() - name_at.len() + name.len();
    Some(name)
}

fn skip_space(text: &str, cursor: &mut usize) {
    while text[*cursor..].starts_with(char::is_whitespace) {
        *cursor += text[*cursor..].chars().next().map_or(1, char::len_utf8);
    }
}

/// Names that `parent/mod.rs` re-exports with `pub use child::…`, mapped to
/// the child that defines them: `crate::billing::Provider` is an edge to
/// `billing::provider`, not to `billing/mod.rs`; a renamed re-export
/// (`pub use provider::stripe::API_VERSION as STRIPE_API_VERSION`) under
/// its new name.
fn reexports(files: &[SourceFile], parent: &[&str]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for file in files.iter().filter(|f| f.module == parent) {
        for line in file.text.split(';') {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("pub use ") else {
                continue;
            };
            let mut cursor = 0;
            for path in parse_tree(rest, &mut cursor) {
                let path: Vec<&String> = path
                    .iter()
                    .filter(|p| *p != "crate" && *p != "self")
                    .collect();
                let start =
                    if path.len() > parent.len() && path.iter().zip(parent).all(|(a, b)| a == b) {
                        parent.len()
                    } else {
                        0
                    };
                if let (Some(child), Some(name)) = (path.get(start), path.last()) {
                    map.insert((*name).clone(), (*child).clone());
                }
            }
        }
    }
    map
}

/// The graph one level below `parent` (`[]`: the top-level modules). A
/// module's node is its first segment below `parent`; the parent's own
/// `mod.rs` is the node `mod`.
fn graph_at_depth(
    files: &[SourceFile],
    parent: &[&str],
    reexports: &BTreeMap<String, String>,
) -> Graph {
    let depth = parent.len();
    let inside =
        |module: &[String]| module.len() >= depth && module.iter().zip(parent).all(|(a, b)| a == b);
    let children: BTreeSet<&str> = files
        .iter()
        .filter(|f| inside(&f.module) && f.module.len() > depth)
        .map(|f| f.module[depth].as_str())
        .collect();
    let mut graph = Graph::new();
    for file in files.iter().filter(|f| inside(&f.module)) {
        let from = file.module.get(depth).map_or("mod", String::as_str);
        let is_parent_mod = file.module.len() == depth;
        for path in paths_in(file) {
            if !inside(&path) {
                continue;
            }
            let Some(first) = path.get(depth) else {
                continue;
            };
            let to = if depth == 0 || children.contains(first.as_str()) {
                first.as_str()
            } else if let Some(child) = reexports.get(first) {
                child.as_str()
            } else {
                "mod"
            };
            if is_parent_mod && depth > 0 && to != "mod" {
                // `pub use child::X` in the parent re-exports; it depends on nothing.
                continue;
            }
            if to != from {
                graph
                    .entry(from.to_owned())
                    .or_default()
                    .entry(to.to_owned())
                    .or_default()
                    .insert(file.path.clone());
            }
        }
    }
    graph
}

fn assert_no_cycle(what: &str, graph: &Graph) {
    let tangles = tangles(graph);
    if tangles.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    for group in &tangles {
        lines.push(format!(
            "{}:",
            group.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
        for from in group {
            for (to, by) in graph.get(from).into_iter().flatten() {
                if group.contains(to) {
                    lines.push(format!("  {from} -> {to}  ({})", join(by)));
                }
            }
        }
    }
    panic!(
        "import cycles between {what}; each group below imports itself in a loop:\n{}",
        lines.join("\n")
    );
}

/// The strongly connected components with more than one module: every
/// module in one can reach every other, so each is at least one cycle.
fn tangles(graph: &Graph) -> Vec<BTreeSet<String>> {
    let reach = |start: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.to_owned()];
        while let Some(node) = todo.pop() {
            for next in graph.get(&node).into_iter().flat_map(BTreeMap::keys) {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let nodes: BTreeSet<String> = graph
        .iter()
        .flat_map(|(from, to)| std::iter::once(from.clone()).chain(to.keys().cloned()))
        .collect();
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (n, reach(n))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for node in &nodes {
        if !reaches[node].contains(node) || groups.iter().any(|g| g.contains(node)) {
            continue;
        }
        let group: BTreeSet<String> = reaches[node]
            .iter()
            .filter(|other| reaches[*other].contains(node))
            .cloned()
            .collect();
        groups.push(group);
    }
    groups
}

fn join(files: &BTreeSet<String>) -> String {
    files.iter().cloned().collect::<Vec<_>>().join(", ")
}
