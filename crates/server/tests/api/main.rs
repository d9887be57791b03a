//! HTTP tests: a real server on a loopback port, a real database (a fresh SQLite file, and a
//! fresh PostgreSQL schema when `DONGNENG_TEST_DATABASE_URL` is set), real requests.

mod harness;

mod auth;
mod durability;
mod hostile;
mod reference;
mod scope_matrix;
mod users_audit;
