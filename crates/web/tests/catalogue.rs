//! Every message key used in code and templates exists in both catalogues, and the two
//! catalogues hold the same keys.

use std::collections::BTreeSet;
use std::path::Path;

/// Flattens a YAML catalogue into dotted keys.
fn keys(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).expect("catalogue");
    let mut out = BTreeSet::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty()
            || line.trim_start().starts_with('#')
            || line.starts_with("_version")
        {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let Some((k, v)) = line.trim().split_once(':') else {
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let mut full: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
        full.push(k.trim().to_string());
        if v.trim().is_empty() {
            stack.push((indent, k.trim().to_string()));
        } else {
            out.insert(full.join("."));
        }
    }
    out
}

/// Literal keys passed to `t("…")`, `t_with("…"` and `field_label("…")` in Rust sources and
/// templates, and the message keys the page forms name as constants (`NEW_TITLE`, …).
fn used_keys(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            used_keys(&path, out);
            continue;
        }
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if ext != "rs" && ext != "html" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        for marker in [".t(\"", ".t_with(\"", "&'static str = \""] {
            for (i, _) in text.match_indices(marker) {
                let rest = &text[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if key.contains('.') && !key.contains('{') && !key.contains(' ') {
                        out.insert(key.to_string());
                    }
                }
            }
        }
    }
}

#[test]
fn catalogues_agree_and_cover_every_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let zh = keys(&root.join("locales/zh-CN.yml"));
    let en = keys(&root.join("locales/en.yml"));
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
    assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    let mut used = BTreeSet::new();
    used_keys(&root.join("crates"), &mut used);
    let missing: Vec<_> = used.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalogue: {missing:?}"
    );
    assert!(
        used.len() > 50,
        "the scan found too few keys ({}) to be looking in the right place",
        used.len()
    );
}

#[test]
fn every_area_role_scope_and_kind_has_a_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for file in ["locales/zh-CN.yml", "locales/en.yml"] {
        let k = keys(&root.join(file));
        for a in dongneng_domain::area::AREAS {
            assert!(
                k.contains(&format!("nav.{}", a.key)),
                "{file}: nav.{}",
                a.key
            );
        }
        for r in dongneng_domain::Role::ALL {
            assert!(
                k.contains(&format!("role.{}", r.as_str())),
                "{file}: role {r}"
            );
        }
        for kind in dongneng_domain::reference::REGION_KINDS {
            assert!(k.contains(&format!("region_kind.{kind}")), "{file}: {kind}");
        }
        for kind in dongneng_domain::reference::DEPARTMENT_KINDS {
            assert!(
                k.contains(&format!("department_kind.{kind}")),
                "{file}: {kind}"
            );
        }
    }
}
