#!/usr/bin/env bash
# The LGWAN install, proven: `make wheelhouse` writes every wheel `make demo` needs into one folder; a fresh
# clone then installs from that folder (pip --no-index) and serves the demo inside a network namespace that
# has no network at all, and its pages answer.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
# The demo's last writes can still be landing when the check ends: remove the folder again once they have.
trap 'rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work"; }' EXIT
port=${OFFLINE_CHECK_PORT:-8790}

make --no-print-directory wheelhouse WHEELHOUSE_DIR="$work/wheelhouse"
git clone -q . "$work/banso"

run_demo() {
  cd "$work/banso"
  ip link set lo up 2>/dev/null || true
  start=$(date +%s)
  setsid make --no-print-directory demo WHEELHOUSE="$work/wheelhouse" PORT="$port" >"$work/demo.log" 2>&1 &
  demo=$!  # setsid runs make as the leader of a process group of its own: the server and its workers
  for _ in $(seq 1 180); do
    sleep 1
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=2)" 2>/dev/null; then
      status=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/login/', timeout=5).status)")
      echo "offline: installed from the wheelhouse and serving the demo after $(( $(date +%s) - start )) s; login page: $status"
      stop_demo
      return 0
    fi
  done
  echo "offline: the demo did not answer within 180 s" >&2
  grep -v "WARNING: Location" "$work/demo.log" | tail -20 >&2
  stop_demo
  return 1
}

# Stop the whole group and wait until it is gone, so nothing still writes into the folder being removed.
stop_demo() {
  kill -TERM -- "-$demo" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$demo" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$demo" 2>/dev/null || true
}
export -f run_demo stop_demo
export work port

if unshare -n true 2>/dev/null; then
  echo "offline: no network inside the namespace; installing with pip --no-index"
  unshare -n bash -c run_demo
else
  echo "offline: cannot make a network namespace here; relying on pip --no-index alone"
  run_demo
fi
