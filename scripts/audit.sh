#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the pinned dependencies (requirements.txt).
# Not part of `make test`: it asks a vulnerability service (PyPI's JSON API, or
# OSV with AUDIT_SERVICE=osv) over the network.
#
# pip-audit lives in its own virtualenv (var/audit-venv), never in .venv: its
# own dependencies would otherwise enter the app's pinned set.
# requirements.txt pins the whole resolved set, so it is read as written
# (--no-deps --disable-pip): nothing is resolved or installed to audit it.
# --strict: a package the service cannot answer for fails the audit (without it,
# pip-audit skips the package and can pass having audited nothing).
# Exit status: 0 no known vulnerability in any package; non-zero a vulnerability
# (the report names the package, the advisory and the fixed version) or a
# package that could not be audited (service unreachable...): read the report.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
VENV=var/audit-venv
SERVICE=${AUDIT_SERVICE:-pypi}

if [ ! -x "$VENV/bin/pip-audit" ] ||
   [ "$("$VENV/bin/pip-audit" --version 2>/dev/null)" != "pip-audit $PIP_AUDIT_VERSION" ]; then
  echo "Installing pip-audit $PIP_AUDIT_VERSION in $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pip-audit==$PIP_AUDIT_VERSION"
fi

echo "Auditing requirements.txt ($(grep -c '==' requirements.txt) pinned packages) against $SERVICE"
exec "$VENV/bin/pip-audit" \
  --requirement requirements.txt \
  --no-deps --disable-pip \
  --strict \
  --vulnerability-service "$SERVICE" \
  --progress-spinner off \
  --desc on \
  --format columns
