# Sourced by bin/chancery and bin/test: make sure uv and the project's virtual environment exist.
# Never downloads a Python: uv uses the interpreter named in .python-version (3.13) from the system or pyenv.
# uv itself comes from PATH, else from PyPI into .uv-bootstrap/ (on Debian as root, python3-venv and
# python3-pip are installed first when missing, e.g. on a minimal Debian 13).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export UV_PYTHON_DOWNLOADS=never UV_PYTHON_PREFERENCE=only-system

find_python() {
  local want; want="$(tr -d '[:space:]' < .python-version)"
  for candidate in "python$want" python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import sys; raise SystemExit(0 if sys.version_info >= (3, 12) else 1)" 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Chancery needs Python $want (or 3.12); none was found on PATH." >&2
  return 1
}

install_debian_python_tools() {
  # Debian ships Python without ensurepip (python3-venv) and pip (python3-pip); install them as root.
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  echo "Installing python3-venv and python3-pip with apt-get …" >&2
  local log; log="$(mktemp)"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}

uv_into_bootstrap_venv() {
  local py="$1"
  rm -rf "$ROOT/.uv-bootstrap"
  "$py" -m venv "$ROOT/.uv-bootstrap" >/dev/null 2>&1 \
    && "$ROOT/.uv-bootstrap/bin/python" -m pip install --quiet --disable-pip-version-check uv >&2 \
    && [ -x "$ROOT/.uv-bootstrap/bin/uv" ]
}

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  if [ -x "$ROOT/.uv-bootstrap/bin/uv" ]; then echo "$ROOT/.uv-bootstrap/bin/uv"; return 0; fi
  local py; py="$(find_python)"
  if "$py" -m uv --version >/dev/null 2>&1; then echo "$py -m uv"; return 0; fi
  echo "Installing uv into .uv-bootstrap/ …" >&2
  if uv_into_bootstrap_venv "$py"; then echo "$ROOT/.uv-bootstrap/bin/uv"; return 0; fi
  if "$py" -m pip --version >/dev/null 2>&1 \
    && "$py" -m pip install --quiet --user --break-system-packages uv >&2 \
    && "$py" -m uv --version >/dev/null 2>&1; then
    echo "$py -m uv"; return 0
  fi
  if install_debian_python_tools && uv_into_bootstrap_venv "$py"; then
    echo "$ROOT/.uv-bootstrap/bin/uv"; return 0
  fi
  rm -rf "$ROOT/.uv-bootstrap"
  echo "Could not install uv: install it (https://docs.astral.sh/uv/) or Debian's python3-venv, then retry." >&2
  return 1
}

UV="$(find_uv)"
# shellcheck disable=SC2086
$UV sync --frozen --quiet
