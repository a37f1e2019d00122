#!/usr/bin/env bash
# Run after every deployment (O-3): database structure, static files, roles, reference data.
# Idempotent: running it twice leaves the same state.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-.venv/bin/python}"
MANAGE="$PYTHON ocpizza/manage.py"

$MANAGE migrate --noinput
$MANAGE collectstatic --noinput --verbosity 0
$MANAGE setup_roles
$MANAGE populate --reference-only
