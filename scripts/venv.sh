#!/usr/bin/env bash
# Creates (once) the verification-only Python venv at .venv-verify and prints its python path.
# Used by the fixtures, model-conversion and reference scripts; Roost itself never imports Python.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-verify"
stamp="$venv/.requirements.sha"
want="$(sha256sum "$root/scripts/requirements-verify.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/scripts/requirements-verify.txt" >&2
    echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
