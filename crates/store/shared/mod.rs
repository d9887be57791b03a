//! The query code both backends share, written once. `store-sqlite` and `store-postgres` each
//! compile this module (`#[path = "../../store/shared/mod.rs"] mod shared;`) with their own
//! `crate::Db` (the sqlx database type), `crate::BackendStore` (their store type, which has a
//! `pool`) and `crate::dialect` (what differs between the two). Being an ordinary module
//! tree, `cargo fmt` formats and checks it with either backend.

pub(crate) mod common;
pub(crate) mod versioned;

mod attachments;
mod audit;
pub(crate) mod dispatch;
mod documents;
mod import_reports;
mod leases;
mod meetings;
mod notify;
mod numbers;
mod policies;
mod problems;
mod profiles;
pub(crate) mod projects;
mod reference;
mod security;
pub(crate) mod settings;
mod supervision;
pub(crate) mod tasks;
mod todo;
mod users;
