#!/usr/bin/env bash
# Creates (once) a verification-only Python venv and prints its python path. Used by the fixtures,
# model-conversion, reference and benchmark scripts; Roost itself never imports Python.
#
#   scripts/venv.sh                          # .venv-verify from scripts/requirements-verify.txt
#   scripts/venv.sh REQUIREMENTS VENV        # another venv (bench/peers.sh: the Celery peer's)
#
# The venv is made again when its requirements file changes (a hash stamp inside it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="${1:-$root/scripts/requirements-verify.txt}"
venv="${2:-$root/.venv-verify}"
stamp="$venv/.requirements.sha"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
    echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
