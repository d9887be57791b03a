#!/usr/bin/env bash
# Province-scale benchmark of the project library (issue #3), in one command.
#
#   bench/province.sh [sqlite|postgres|both]      (default: both)
#
# 1. builds the release binaries (cargo build --release -p dongneng -p dongneng-bench);
# 2. generates the data set — 16 Shandong cities' districts, 200,000 projects, ten years of
#    monthly history, and the coordination loop's 300,000 key tasks, 60,000 problems, 5,000
#    supervision items and 20,000 meetings — with `dongneng-bench generate`: SQLite into bench-data/province-sqlite.db,
#    PostgreSQL into the database dongneng_bench (created if missing). Cached: the generator
#    does nothing when the database already holds the data set of the same parameters, and
#    replaces one made with other parameters;
# 3. runs `dongneng-bench run`: starts target/release/dongneng on the database, logs in as the
#    demo account `office`, measures with 32 concurrent clients (filtered list with totals,
#    Chinese substring search, the as-at view), then times a refused check of 100,000 rows,
#    imports of 10,000 and 100,000 new projects, an export of ~100,000 projects; then the
#    coordination loop: everyone's to-do and the overdue lists with 32 clients (each as its
#    user), the per-department table of a year, a meeting's pack as DOCX and PDF; and reads the
#    server's peak memory. The imported projects are removed again afterwards, so the data set
#    stays as generated for the next run.
#
# The Markdown table of each backend is printed and kept in bench-data/report-<backend>.md;
# the server's log in bench-data/server-<backend>.log. docs/PERFORMANCE.md has the figures.
#
# Settings (environment):
#   BENCH_PROJECTS=200000 BENCH_YEARS=10          size of the data set
#   BENCH_CONCURRENCY=32 BENCH_SECONDS=20 BENCH_WARMUP=3
#   BENCH_SQLITE_URL=sqlite://<repo>/bench-data/province-sqlite.db
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/dongneng_bench
#   BENCH_ONLY=all|projects|coordination        which measurements (default all)
#   BENCH_QUIET_LOAD=1.0 BENCH_QUIET_WAIT=900     before measuring, wait up to BENCH_QUIET_WAIT
#       seconds for the 1-minute load average to fall below BENCH_QUIET_LOAD (other work on
#       the machine skews every figure; 0 = do not wait). The load is printed either way.
#
# Needs: cargo; for PostgreSQL a server reachable at BENCH_PG_URL (with pg_trgm available).
# Disk: about 4 GB for the SQLite data set, about 6 GB for the PostgreSQL one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WHICH="${1:-both}"
PROJECTS="${BENCH_PROJECTS:-200000}"
YEARS="${BENCH_YEARS:-10}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
SECONDS_PER_PHASE="${BENCH_SECONDS:-20}"
WARMUP="${BENCH_WARMUP:-3}"
SQLITE_URL="${BENCH_SQLITE_URL:-sqlite://$ROOT/bench-data/province-sqlite.db}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/dongneng_bench}"
ONLY="${BENCH_ONLY:-all}"
QUIET_LOAD="${BENCH_QUIET_LOAD:-1.0}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-900}"

say() { printf '%s\n' "$*" >&2; }
die() { say "province.sh: $*"; exit 1; }

case "$WHICH" in
  sqlite) BACKENDS=(sqlite) ;;
  postgres) BACKENDS=(postgres) ;;
  both) BACKENDS=(sqlite postgres) ;;
  *) die "usage: bench/province.sh [sqlite|postgres|both]" ;;
esac
command -v cargo >/dev/null 2>&1 || die "cargo is not installed"

say "== building (cargo build --release -p dongneng -p dongneng-bench)"
(cd "$ROOT" && cargo build --release -p dongneng -p dongneng-bench) >&2
TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
  | grep -o '"target_directory":"[^"]*"' | head -n1 | cut -d'"' -f4)"
BUILT="${TARGET_DIR:-$ROOT/target}/release"
[ -x "$BUILT/dongneng" ] || die "no binary at $BUILT/dongneng"
[ -x "$BUILT/dongneng-bench" ] || die "no binary at $BUILT/dongneng-bench"
mkdir -p "$ROOT/bench-data/bin"
# Generator and server from this one build, even if the shared target folder is rebuilt
# meanwhile (their migrations must agree with the data set's).
BIN_DIR="$ROOT/bench-data/bin"
cp -p "$BUILT/dongneng" "$BUILT/dongneng-bench" "$BIN_DIR/"
COMMIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(cd "$ROOT" && git status --porcelain 2>/dev/null | grep -v '^?? bench-data' || true)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi

wait_quiet() {
  [ "$QUIET_WAIT" = 0 ] && return 0
  local waited=0 load
  while :; do
    load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
    if awk -v l="$load" -v q="$QUIET_LOAD" 'BEGIN { exit !(l < q) }'; then
      return 0
    fi
    if [ "$waited" -ge "$QUIET_WAIT" ]; then
      say "== the load average is still $load after ${waited} s; measuring anyway"
      return 0
    fi
    [ "$waited" = 0 ] && say "== waiting for the machine to be quiet (1-minute load $load, want < $QUIET_LOAD, at most ${QUIET_WAIT} s)"
    sleep 15
    waited=$((waited + 15))
  done
}

REPORTS=()
for backend in "${BACKENDS[@]}"; do
  case "$backend" in
    sqlite) URL="$SQLITE_URL" ;;
    postgres) URL="$PG_URL" ;;
  esac
  say "== $backend: generating $PROJECTS projects, $YEARS years (cached when already there)"
  (cd "$ROOT" && RUST_BACKTRACE=0 "$BIN_DIR/dongneng-bench" generate --database-url "$URL" \
    --projects "$PROJECTS" --years "$YEARS" --reset) >&2
  wait_quiet
  say "== $backend: measuring"
  REPORT="$ROOT/bench-data/report-$backend.md"
  (cd "$ROOT" && RUST_BACKTRACE=0 "$BIN_DIR/dongneng-bench" run --database-url "$URL" \
    --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_PHASE" --warmup "$WARMUP" \
    --server-bin "$BIN_DIR/dongneng" --work-dir "$ROOT/bench-data" --out "$REPORT" \
    --only "$ONLY") >&2
  REPORTS+=("$REPORT")
done

echo
echo "# Dongneng province benchmark (commit $COMMIT, built $(date -u -r "$BIN_DIR/dongneng" '+%Y-%m-%d %H:%M UTC'))"
for r in "${REPORTS[@]}"; do
  echo
  cat "$r"
done
