#!/usr/bin/env bash
# Stop the web server and the job worker started by scripts/serve.sh (if they are running).
cd "$(dirname "$0")/.."
for name in gunicorn worker; do
  file="var/$name.pid"
  if [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then
    kill "$(cat "$file")" && [ "${1:-}" != quiet ] && echo "stopped $name"
  fi
  rm -f "$file"
done
exit 0
