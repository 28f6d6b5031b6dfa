#!/usr/bin/env bash
# The demo (`npm run demo`): builds the package, copies pkg/ to www/pkg/, and serves www/ on 127.0.0.1:5173
# next to the mock Nylas on 127.0.0.1:4010 (consent page on: approving is part of the demo). Ctrl-C stops both.
# Env: DEMO_PORT (default 5173), MOCK_PORT (default 4010).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_PORT="${DEMO_PORT:-5173}"
MOCK_PORT="${MOCK_PORT:-4010}"
say() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] error: %s\n' "$*" >&2; exit 1; }

for var in DEMO_PORT MOCK_PORT; do
  val="${!var}"
  [[ "$val" =~ ^[0-9]+$ ]] && [ "$val" -ge 1 ] && [ "$val" -le 65535 ] || die "$var must be a port number 1-65535 (got '$val')"
done
[ "$DEMO_PORT" != "$MOCK_PORT" ] || die "DEMO_PORT and MOCK_PORT must differ (both $DEMO_PORT)"

# Fails early, with a clear message, if a port is taken (the servers bind 127.0.0.1 only).
port_free() {
  node -e '
    const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));
  ' "$1"
}
check_port() {
  port_free "$2" || die "port $2 on 127.0.0.1 is already in use (is another demo running?). Stop it, or pick another port: $1=<port> npm run demo"
}
check_port DEMO_PORT "$DEMO_PORT"
check_port MOCK_PORT "$MOCK_PORT"

bash scripts/setup.sh --demo
bash scripts/build.sh
[ -f pkg/index.js ] || die "the build did not produce pkg/index.js"
rm -rf www/pkg
mkdir -p www/pkg
# Every top-level file of the build (the entry, the wasm, the types), whatever the build's layout.
find pkg -maxdepth 1 -type f ! -name '.*' -exec cp {} www/pkg/ \;
say "copied pkg/ to www/pkg/ ($(ls www/pkg | tr '\n' ' '))"

# The ports may have been taken during the build.
check_port DEMO_PORT "$DEMO_PORT"
check_port MOCK_PORT "$MOCK_PORT"

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

node tests/mock-server/server.mjs --port "$MOCK_PORT" &
pids+=("$!")
node tests/mock-server/static.mjs --root www --port "$DEMO_PORT" &
pids+=("$!")

# Wait until both listen (or one of them died).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 100); do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a server failed to start (see above)"
  done
  if listening "$MOCK_PORT" && listening "$DEMO_PORT"; then
    break
  fi
  sleep 0.1
done
listening "$MOCK_PORT" && listening "$DEMO_PORT" || die "the servers did not start listening within 10 s"

page="http://127.0.0.1:$DEMO_PORT/"
mock="http://127.0.0.1:$MOCK_PORT"
# The page defaults to the mock on 4010; any other port is passed with ?api= (remembered for the tab).
[ "$MOCK_PORT" = 4010 ] || page="${page}?api=$mock/v3"
echo
echo "  Open $page — mock Nylas at $mock"
echo "  (client id demo-client; approve or deny on the mock's consent page. Ctrl-C stops both servers.)"
echo

# Runs until Ctrl-C, or until a server exits.
set +e
wait -n "${pids[@]}"
status=$?
set -e
say "a server exited (status $status); stopping"
exit "$status"
