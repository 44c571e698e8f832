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
PORT=${SMARTTREES_PORT:-5000}
echo
echo "  SmartTrees: http://$HOST:$PORT/      province map: http://$HOST:$PORT/map"
echo "  demo login: admin@smarttrees.local / smarttrees-demo"
echo "  job worker log: var/log/worker.log   stop with Ctrl-C, then 'make stop' for the database"
echo
.venv/bin/gunicorn --workers "${SMARTTREES_WORKERS:-3}" --bind "$HOST:$PORT" \
  --pid var/gunicorn.pid --access-logfile - wsgi:app
