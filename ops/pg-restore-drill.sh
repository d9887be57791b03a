#!/usr/bin/env bash
# The PostgreSQL restore drill (docs/OPERATIONS.md): dumps a Dongneng database with pg_dump
# (a consistent snapshot, taken while the server runs), restores the dump into a new, empty
# database with pg_restore, and checks that every table has the same number of rows and that
# the restored audit chain verifies (`dongneng audit verify`).
#
#   ops/pg-restore-drill.sh [SOURCE_URL]
#
# SOURCE_URL: the database to back up. Without it, a demo database is made for the drill
# (`dongneng serve --demo` once) and dropped afterwards. The restored copy is always dropped.
# PG_SERVER (default postgres://postgres@127.0.0.1:5432) is where the copy is made;
# DONGNENG (default target/debug/dongneng) is the binary. Needs pg_dump, pg_restore, psql.
set -euo pipefail

server=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
dn=${DONGNENG:-target/debug/dongneng}
stamp=$(date +%s)$$
work=$(mktemp -d)
made_source=""
restored_db="dn_restore_drill_$stamp"

cleanup() {
    psql -q "$server/postgres" -c "drop database if exists $restored_db" >/dev/null 2>&1 || true
    if [ -n "$made_source" ]; then
        psql -q "$server/postgres" -c "drop database if exists $made_source" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

source_url=${1:-}
if [ -z "$source_url" ]; then
    made_source="dn_drill_source_$stamp"
    psql -q "$server/postgres" -c "create database $made_source"
    source_url="$server/$made_source"
    echo "== loading the demo into $made_source"
    "$dn" --database-url "$source_url" serve --demo --bind 127.0.0.1:0 >"$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
        grep -q " is listening on " "$work/serve.log" && break
        sleep 0.2
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    grep -q " is listening on " "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
fi

counts() {
    psql -At "$1" -c "select table_name from information_schema.tables
                       where table_schema = current_schema() and table_type = 'BASE TABLE'
                       order by 1" |
        while read -r t; do
            echo "$t $(psql -At "$1" -c "select count(*) from \"$t\"")"
        done
}

echo "== pg_dump"
pg_dump -Fc -d "$source_url" -f "$work/dn.dump"
counts "$source_url" >"$work/source.counts"

echo "== pg_restore into $restored_db"
psql -q "$server/postgres" -c "create database $restored_db"
pg_restore --no-owner -d "$server/$restored_db" "$work/dn.dump"
counts "$server/$restored_db" >"$work/restored.counts"

echo "== row counts ($(wc -l <"$work/source.counts") tables)"
if ! diff "$work/source.counts" "$work/restored.counts"; then
    echo "FAILED: the restored tables differ" >&2
    exit 1
fi

echo "== audit chain of the restored copy"
"$dn" --database-url "$server/$restored_db" audit verify

echo "Restore drill passed."
