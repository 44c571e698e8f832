#!/usr/bin/env bash
# Start the job worker in the background and serve the app in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
FLASK=".venv/bin/flask --app wsgi"

scripts/stop-app.sh quiet
$FLASK jobs worker >>var/log/worker.log 2>&1 &
echo $! >var/worker.pid
trap 'scripts/stop-app.sh quiet' EXIT INT TERM

# The demo shows the read-only public map without login; set SMARTTREES_PUBLIC_MAP=0 to close it.
export SMARTTREES_PUBLIC_MAP=${SMARTTREES_PUBLIC_MAP:-1}
HOST=${SMARTTREES_HOST:-127.0.0.1}
port_taken() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
# Another checkout's app may already serve 5000: take the next free port and say so, unless the
# user chose one.
if [ -n "${SMARTTREES_PORT:-}" ]; then
  PORT=$SMARTTREES_PORT
  if port_taken "$PORT"; then echo "port $PORT (SMARTTREES_PORT) is taken; choose a free one" >&2; exit 1; fi
else
  PORT=5000
  while port_taken "$PORT"; do PORT=$((PORT + 1)); done
  [ "$PORT" = 5000 ] || echo "port 5000 is taken (another checkout's app?): serving on $PORT"
fi
echo
echo "  SmartTrees: http://$HOST:$PORT/      province map: http://$HOST:$PORT/map"
echo "  demo login: admin@smarttrees.local / smarttrees-demo"
echo "  job worker log: var/log/worker.log   stop with Ctrl-C, then 'make stop' for the database"
echo
.venv/bin/gunicorn --workers "${SMARTTREES_WORKERS:-3}" --bind "$HOST:$PORT" \
  --pid var/gunicorn.pid --access-logfile - wsgi:app
