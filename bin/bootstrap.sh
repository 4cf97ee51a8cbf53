# Sourced by bin/chancery and bin/test: make sure uv and the project's virtual environment exist.
# Never downloads a Python: uv uses the interpreter named in .python-version (3.13) from the system or pyenv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export UV_PYTHON_DOWNLOADS=never UV_PYTHON_PREFERENCE=only-system

find_python() {
  local want; want="$(tr -d '[:space:]' < .python-version)"
  for candidate in "python$want" python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import sys; raise SystemExit(0 if f'{sys.version_info[0]}.{sys.version_info[1]}' >= '3.12' else 1)" 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Chancery needs Python $want (or 3.12); none was found on PATH." >&2
  return 1
}

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  if [ -x "$ROOT/.uv-bootstrap/bin/uv" ]; then echo "$ROOT/.uv-bootstrap/bin/uv"; return 0; fi
  local py; py="$(find_python)"
  if "$py" -m uv --version >/dev/null 2>&1; then echo "$py -m uv"; return 0; fi
  echo "Installing uv into .uv-bootstrap/ …" >&2
  if "$py" -m venv "$ROOT/.uv-bootstrap" >/dev/null 2>&1; then
    "$ROOT/.uv-bootstrap/bin/python" -m pip install --quiet --disable-pip-version-check uv >&2
    echo "$ROOT/.uv-bootstrap/bin/uv"; return 0
  fi
  "$py" -m pip install --quiet --user --break-system-packages uv >&2
  echo "$py -m uv"
}

UV="$(find_uv)"
# shellcheck disable=SC2086
$UV sync --frozen --quiet
