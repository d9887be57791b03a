//! Yearly numbers (problems' 2026-0042, supervision items' 督办〔2026〕12号): the next one of
//! a kind and year, taken in the caller's write transaction.

use super::common::{Tx, map_err};
use crate::Db;
use dongneng_store::StoreError;

/// Moves the counter of `kind` in `year` on by one and returns it (1 for the first). The
/// upsert locks the counter's row until the transaction ends, so two writers on either
/// database never get the same number; the tables' unique (year, seq) is the last guard.
pub(crate) async fn next_number(tx: &mut Tx, kind: &str, year: i32) -> Result<i64, StoreError> {
    sqlx::query_scalar::<Db, i64>(
        "insert into number_sequences (kind, year, last_number) values ($1, $2, 1) \
         on conflict (kind, year) do update \
         set last_number = number_sequences.last_number + 1 returning last_number",
    )
    .bind(kind)
    .bind(year)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)
}
