#!/usr/bin/env bash
# HTTP benchmark of the foundation (issue #2): one read endpoint, one write endpoint.
#
#   bench/foundation.sh
#
# Builds the release binary, starts `dongneng serve --demo` on a fresh SQLite database in a
# temporary folder, logs in as the demo account `office`, then runs wrk on loopback:
#   a. GET  /api/v1/industries   (authenticated read)
#   b. POST /api/v1/departments  (authenticated create; every request a new, unique name)
# It checks that the number of departments grew by the number of 2xx responses, reads the
# server's peak resident memory (VmHWM), stops the server with SIGTERM and removes the
# temporary folder. Exits non-zero if anything went wrong (non-2xx, socket errors, a count
# that does not add up, an unclean shutdown).
#
# Needs: cargo, curl, wrk (apt-get install wrk). Linux (/proc) for the memory figure.
# Settings (environment):
#   WRK_THREADS=2 WRK_CONNECTIONS=32 WRK_DURATION=20s WRK_TIMEOUT=10s
#   BENCH_PORT=0         port to bind on 127.0.0.1 (0: any free port)
#   BENCH_TMPDIR=$TMPDIR parent of the temporary data folder (its disk decides fsync cost)
#   BENCH_KEEP=1         keep the data folder and server log instead of removing them
#   BENCH_BIN=path       measure this binary instead of building one (to compare two commits:
#                        build each, copy target/release/dongneng aside, run once per copy)
# wrk and the server share the machine's cores, so other work (a compile) lowers the figures;
# the summary prints the load average. Measure on a quiet machine, or run it several times
# and report the spread (see docs/PERFORMANCE.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS="${WRK_THREADS:-2}"
CONNECTIONS="${WRK_CONNECTIONS:-32}"
DURATION="${WRK_DURATION:-20s}"
TIMEOUT="${WRK_TIMEOUT:-10s}"
PORT="${BENCH_PORT:-0}"
LUA="$ROOT/bench/create_department.lua"

say() { printf '%s\n' "$*" >&2; }
die() { say "foundation.sh: $*"; exit 1; }

for tool in cargo curl wrk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
[ -r "$LUA" ] || die "missing $LUA"

WORK=""
SERVER_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
      say "kept $WORK (server log: $WORK/server.err)"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- build
if [ -n "${BENCH_BIN:-}" ]; then
  BIN="$BENCH_BIN"
else
  say "== building (cargo build --release -p dongneng)"
  (cd "$ROOT" && cargo build --release -p dongneng) >&2
  TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
    | grep -o '"target_directory":"[^"]*"' | head -n1 | cut -d'"' -f4)"
  BIN="${TARGET_DIR:-$ROOT/target}/release/dongneng"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# ---------------------------------------------------------------- start
WORK="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/dongneng-bench.XXXXXX")"
mkdir "$WORK/data"
say "== starting $BIN (data folder $WORK/data)"
"$BIN" --data-dir "$WORK/data" serve --demo --bind "127.0.0.1:$PORT" \
  >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!

ADDR=""
for _ in $(seq 1 600); do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; die "the server exited during start-up"; }
  line="$(head -n1 "$WORK/server.out" 2>/dev/null || true)"
  if [[ "$line" == *"listening on http://"* ]]; then
    ADDR="${line##*http://}"
    ADDR="${ADDR%%[[:space:]]*}"
    break
  fi
  sleep 0.1
done
[ -n "$ADDR" ] || die "no 'listening on http://' line within 60 s"
BASE="http://$ADDR"

for _ in $(seq 1 300); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz" || true)"
  [ "$code" = 200 ] && break
  sleep 0.1
done
[ "$code" = 200 ] || die "GET /healthz answered ${code:-nothing}, not 200"
RSS_START="$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"
say "== server up at $BASE (pid $SERVER_PID)"

# ---------------------------------------------------------------- log in
LOGIN="$(curl -sS -X POST -H 'Content-Type: application/json' \
  -d '{"username":"office","password":"dongneng-demo"}' "$BASE/api/v1/auth/login")"
TOKEN="$(printf '%s' "$LOGIN" | grep -o '"token":"[^"]*"' | head -n1 | cut -d'"' -f4 || true)"
[ -n "$TOKEN" ] || die "login failed: $LOGIN"
AUTH="Authorization: Bearer $TOKEN"

api_get() { # path -> body; fails unless 200
  local out code
  out="$(curl -sS -H "$AUTH" -w '\n%{http_code}' "$BASE$1")"
  code="${out##*$'\n'}"
  [ "$code" = 200 ] || die "GET $1 answered $code: ${out%$'\n'*}"
  printf '%s' "${out%$'\n'*}"
}
department_total() {
  api_get /api/v1/departments | grep -o '"total":[0-9]*' | tail -n1 | cut -d: -f2
}
api_get /api/v1/industries >/dev/null

# ---------------------------------------------------------------- wrk
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" # other work on the machine skews the figures
WRK_ARGS=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency)

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.02s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}
field() { # file pattern -> value after the pattern's label
  case "$2" in
    rps) awk '/^Requests\/sec:/ {print $2}' "$1" ;;
    p50) to_ms "$(awk '$1 == "50%" {print $2; exit}' "$1")" ;;
    p99) to_ms "$(awk '$1 == "99%" {print $2; exit}' "$1")" ;;
    requests) awk '/requests in/ {print $1; exit}' "$1" ;;
    non2xx) awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$1" | tr -d ' ' | grep . || echo 0 ;;
    sockerr) awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$1" | grep . || echo 0 ;;
  esac
}

say "== a. GET /api/v1/industries: wrk ${WRK_ARGS[*]}"
wrk "${WRK_ARGS[@]}" -H "$AUTH" "$BASE/api/v1/industries" | tee "$WORK/read.txt" >&2

BEFORE="$(department_total)"
PREFIX="$(date +%s)$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
say "== b. POST /api/v1/departments: wrk ${WRK_ARGS[*]} -s bench/create_department.lua -- $PREFIX"
wrk "${WRK_ARGS[@]}" -H "$AUTH" -s "$LUA" "$BASE/api/v1/departments" -- "$PREFIX" \
  | tee "$WORK/write.txt" >&2
sleep 1 # let requests wrk abandoned at the deadline finish on the server
AFTER="$(department_total)"

RSS_PEAK="$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"
RSS_NOW="$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"

# ---------------------------------------------------------------- stop
kill -TERM "$SERVER_PID"
STOP_RC=0
wait "$SERVER_PID" || STOP_RC=$?
SERVER_PID=""
ERRLINES="$(grep -c -E ' (ERROR|WARN) |panicked' "$WORK/server.err" || true)"

# ---------------------------------------------------------------- summary
FAIL=0
R_NON2XX="$(field "$WORK/read.txt" non2xx)"; R_SOCK="$(field "$WORK/read.txt" sockerr)"
W_NON2XX="$(field "$WORK/write.txt" non2xx)"; W_SOCK="$(field "$WORK/write.txt" sockerr)"
W_STATUSES="$(awk -F': ' '/^statuses:/ {print $2}' "$WORK/write.txt")"
CREATED="$(awk '/^created_2xx:/ {print $2}' "$WORK/write.txt")"
GREW=$((AFTER - BEFORE))
for v in "$R_NON2XX" "$R_SOCK" "$W_NON2XX" "$W_SOCK"; do [ "$v" = 0 ] || FAIL=1; done
if [ "$GREW" -eq "$CREATED" ]; then
  COUNT_NOTE="= 2xx counted by wrk: OK"
elif [ "$GREW" -gt "$CREATED" ] && [ "$GREW" -le $((CREATED + CONNECTIONS)) ]; then
  COUNT_NOTE="= 2xx counted by wrk + $((GREW - CREATED)) (requests in flight when wrk stopped, committed but not counted): OK"
else
  COUNT_NOTE="!= 2xx counted by wrk ($CREATED): MISMATCH"; FAIL=1
fi
[ "$STOP_RC" -eq 0 ] || FAIL=1

SQLITE="$(awk '/^name = "libsqlite3-sys"/ {getline; gsub(/"/, "", $3); print $3; exit}' "$ROOT/Cargo.lock")"
SQLITE_H="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"libsqlite3-sys-$SQLITE"/sqlite3/sqlite3.h 2>/dev/null | head -n1 || true)"
if [ -n "$SQLITE_H" ]; then
  SQLITE="SQLite $(awk '/#define SQLITE_VERSION / {gsub(/"/, "", $3); print $3}' "$SQLITE_H") (bundled by libsqlite3-sys $SQLITE)"
else
  SQLITE="SQLite bundled by libsqlite3-sys $SQLITE"
fi
COMMIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT (modified tree)"; fi

kib_mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
row() { # label file
  printf '%-28s %10s req/s   p50 %8s ms   p99 %8s ms   requests %s\n' "$1" \
    "$(field "$2" rps)" "$(field "$2" p50)" "$(field "$2" p99)" "$(field "$2" requests)"
}

echo
echo "== Dongneng foundation benchmark"
echo "commit      $COMMIT"
echo "machine     $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
echo "system      $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r), $(rustc --version)"
echo "database    $SQLITE, WAL, synchronous=FULL, on $(df -T "$WORK" | awk 'NR == 2 {print $2 " (" $1 ")"}')"
echo "load        load average before the runs: $LOAD"
echo "wrk         $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}') ${WRK_ARGS[*]}, loopback $ADDR"
row "GET  /api/v1/industries" "$WORK/read.txt"
row "POST /api/v1/departments" "$WORK/write.txt"
echo "errors      read: non-2xx $R_NON2XX, socket $R_SOCK;  create: non-2xx $W_NON2XX, socket $W_SOCK;  create statuses: $W_STATUSES"
echo "departments before $BEFORE, after $AFTER, grew $GREW $COUNT_NOTE"
echo "memory      peak RSS (VmHWM) $(kib_mib "$RSS_PEAK"); RSS after start-up $(kib_mib "$RSS_START"), at the end $(kib_mib "$RSS_NOW")"
echo "shutdown    SIGTERM -> exit status $STOP_RC; WARN/ERROR/panic lines in the server log: $ERRLINES"
if [ "$FAIL" -ne 0 ]; then
  echo "RESULT      FAILED (see above; server log kept)"
  exit 1
fi
echo "RESULT      OK"
