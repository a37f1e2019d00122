#!/usr/bin/env bash
# Watchdog run every minute by cron (deploy/cron/ocpizza). Supervisor restarts Gunicorn when it
# dies; this restarts it when it is alive but no longer answers. A 503 from /healthz (database
# down, migrations missing) is logged but does not restart anything: a restart would not help.
set -uo pipefail
URL="${HEALTHZ_URL:-http://127.0.0.1:8000/healthz}"
PROGRAM="${SUPERVISOR_PROGRAM:-ocpizza}"
SUPERVISORCTL="${SUPERVISORCTL:-supervisorctl}"   # e.g. "supervisorctl -c /path/supervisord.conf"

status=$(curl --silent --output /dev/null --max-time 10 --write-out '%{http_code}' "$URL")
case "$status" in
  200) exit 0 ;;
  000)
    logger -t ocpizza-healthcheck "no answer from $URL: restarting $PROGRAM"
    $SUPERVISORCTL restart "$PROGRAM" >/dev/null
    ;;
  *)
    logger -t ocpizza-healthcheck "$URL answered $status: $(curl --silent --max-time 10 "$URL")"
    ;;
esac
