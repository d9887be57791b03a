//! HTTP tests: a real server on a loopback port, a real database (a fresh SQLite file, and a
//! fresh PostgreSQL schema when `DONGNENG_TEST_DATABASE_URL` is set), real requests.

mod harness;

mod auth;
mod cli;
mod digest;
mod dispatch;
mod documents;
mod durability;
mod hostile;
mod meetings;
mod openapi;
mod policies;
mod problems;
mod profiles;
mod projects;
mod reference;
mod refused_first;
mod restore;
mod scope_matrix;
mod security;
mod supervision;
mod task_history;
mod tasks;
mod todo;
mod transfer;
mod users_audit;

/// Both backends carry the same migrations, by version and name.
#[test]
fn migration_lists_match() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let list = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
            .expect("migrations dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        v.sort();
        v
    };
    let sqlite = list("store-sqlite/migrations");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("store-postgres/migrations"));
}
