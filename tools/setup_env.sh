#!/usr/bin/env bash
# Creates (or brings up to date) the project's virtual environment.
#
#   tools/setup_env.sh            # what `make setup` runs
#   VENV=/path/to/env tools/setup_env.sh
#
# Environment:
#   VENV              where the environment lives (default: <repo>/.venv)
#   PYTHON            interpreter that creates it (default: python3)
#   MAX_JOBS          parallel compile jobs for mmcv (default: number of cores)
#   MMCV_CUDA_OPS=1   also compile mmcv's CUDA kernels (needs nvcc matching
#                     torch's CUDA). hyatt_mmpose's models are plain PyTorch
#                     and use none of mmcv's ops; mmpose only needs them to
#                     import, so the default is the much quicker CPU build.
#   MMCV_BUILD=stock  compile mmcv exactly as its setup.py does. The default,
#                     MMCV_BUILD=pch, compiles its CPU ops through
#                     tools/setup/pch_cxx.sh (PyTorch's headers precompiled
#                     once, no debug information): the same machine code in
#                     minutes instead of about 20. CUDA builds are stock.
#   HYATT_WHEEL_CACHE where built mmcv wheels are kept, one folder per torch
#                     build (default: ~/.cache/hyatt_mmpose/wheels)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
case "$VENV" in /*) ;; *) VENV=$PWD/$VENV ;; esac
PYTHON=${PYTHON:-python3}
MMCV_CUDA_OPS=${MMCV_CUDA_OPS:-0}
MMCV_BUILD=${MMCV_BUILD:-pch}
PCH_CXX=$ROOT/tools/setup/pch_cxx.sh
case "$MMCV_BUILD" in pch | stock) ;; *)
    echo "[setup] MMCV_BUILD=$MMCV_BUILD: use pch (the default) or stock" >&2
    exit 2 ;;
esac
[ "$MMCV_CUDA_OPS" = 1 ] && MMCV_BUILD=stock
WHEEL_CACHE=${HYATT_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyatt_mmpose/wheels}
REQ=$ROOT/requirements
STAMP=$VENV/.hyatt-setup-stamp
CHECK_IMPORTS='import hyatt_mmpose, mmcv.ops, mmpose.apis, mmpose.visualization'

say() { printf '[setup %d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
fail() {
    printf '[setup] FAILED: %s\n' "$1" >&2
    if [ -n "${2:-}" ]; then
        printf '[setup] read the log: %s\n' "$2" >&2
        printf '[setup] its last lines:\n' >&2
        tail -n 15 "$2" | sed 's/^/    /' >&2
    fi
    # A failed set-up must not look finished to the next run.
    rm -f "$STAMP"
    exit 1
}

# What the environment is built from: the pins, this script and the Python.
wanted_stamp() {
    cat "$REQ"/*.txt "${BASH_SOURCE[0]}" "$ROOT/setup.py" "$PCH_CXX" \
        | sha256sum | cut -c1-16
    printf 'python=%s cuda_ops=%s mmcv_build=%s\n' "$("$PYTHON" -V 2>&1)" \
        "$MMCV_CUDA_OPS" "$MMCV_BUILD"
}

# Optional: without it the tools run on glibc's allocator, and a CPU training
# step took 1.6-2.1x as long (hyatt_mmpose_allocator.py,
# docs/benchmarks.md). Also tried when the rest is up to date, so that a
# library removed from the environment comes back.
FIND_TCMALLOC='from hyatt_mmpose_allocator import find_tcmalloc; print(find_tcmalloc() or "")'
find_tcmalloc() { "$VENV/bin/python" -c "$FIND_TCMALLOC" 2>/dev/null | tail -n 1; }
install_tcmalloc() {
    local found deb_dir package log=$VENV/setup-logs/tcmalloc.log
    found=$(find_tcmalloc)
    if [ -z "$found" ] && command -v apt-get > /dev/null && command -v dpkg-deb > /dev/null; then
        # Debian's package, unpacked into the environment: no root, no system
        # change (Debian 13 and Ubuntu 24.04 renamed it for their 64-bit time_t)
        mkdir -p "$(dirname "$log")"
        : > "$log"
        deb_dir=$(mktemp -d)
        for package in libtcmalloc-minimal4t64 libtcmalloc-minimal4; do
            if (cd "$deb_dir" && apt-get download "$package" \
                    && dpkg-deb -x "$package"_*.deb unpacked) >> "$log" 2>&1; then
                cp -P "$deb_dir"/unpacked/usr/lib/*/libtcmalloc_minimal.so.4* "$VENV/lib/" || true
                break
            fi
        done
        rm -rf "$deb_dir"
        found=$(find_tcmalloc)
    fi
    if [ -n "$found" ]; then
        say "    tcmalloc: $found"
    else
        say "    tcmalloc not installed (no apt-get here, or see $log; elsewhere install gperftools' libtcmalloc_minimal): the tools use the system allocator"
    fi
}

# (the import check also looks for tcmalloc: the package is imported once)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(wanted_stamp)" ] \
        && found=$("$VENV/bin/python" -c "$CHECK_IMPORTS; $FIND_TCMALLOC" \
                   2>/dev/null | tail -n 1); then
    say "environment $VENV is up to date"
    [ -n "$found" ] || install_tcmalloc
    exit 0
fi

mkdir -p "$VENV"
LOGS=$VENV/setup-logs
mkdir -p "$LOGS"
say "environment: $VENV (logs in $LOGS)"

if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment with $("$PYTHON" -V 2>&1)"
    "$PYTHON" -m venv "$VENV" > "$LOGS/venv.log" 2>&1 \
        || fail "could not create a virtual environment with $PYTHON" "$LOGS/venv.log"
fi
PY=$VENV/bin/python
pip_install() {  # pip_install LOGNAME ARGS...
    local log=$LOGS/$1.log; shift
    "$PY" -m pip install --disable-pip-version-check "$@" > "$log" 2>&1 \
        || fail "pip install $* failed" "$log"
}

say "1/7 build tools (setuptools<81, wheel, ninja)"
pip_install build -r "$REQ/build.txt"

say "2/7 torch and torchvision (a few GB on the first run)"
pip_install torch -r "$REQ/torch.txt"
TORCH_KEY=$("$PY" -c 'import sys, torch; v = sys.version_info
print("torch%s-cuda%s-py%d%d" % (torch.__version__, torch.version.cuda or "none", v[0], v[1]))') \
    || fail "torch does not import in $VENV"

say "3/7 run-time, test, documentation and review-page dependencies (numpy<2, opencv, mmengine, sphinx, starlette, ...)"
pip_install runtime -r "$REQ/runtime.txt" -r "$REQ/tests.txt" -r "$REQ/docs.txt" \
    -r "$REQ/review.txt"

MMCV_PIN=$(grep -E '^mmcv==' "$REQ/mmcv.txt")
OPS=cpu; [ "$MMCV_CUDA_OPS" = 1 ] && OPS=cuda
MMCV_KEY="${MMCV_PIN/==/-}-$TORCH_KEY-ops$OPS"
# a changed wrapper builds a new wheel
[ "$MMCV_BUILD" = pch ] \
    && MMCV_KEY="$MMCV_KEY-pch$(sha256sum "$PCH_CXX" | cut -c1-8)"
MMCV_DIR=$WHEEL_CACHE/$MMCV_KEY
say "4/7 $MMCV_PIN with its $OPS ops, built against $TORCH_KEY"
if [ "$(cat "$VENV/.mmcv-build-key" 2>/dev/null)" = "$MMCV_KEY" ] \
        && "$PY" -c 'import mmcv.ops' 2>/dev/null; then
    say "    already installed for this torch"
else
    if ! ls "$MMCV_DIR"/mmcv-*.whl > /dev/null 2>&1; then
        build_log=$LOGS/mmcv-build.log
        tmp=$(mktemp -d "$WHEEL_CACHE.tmp.XXXXXX" 2>/dev/null \
              || { mkdir -p "$(dirname "$WHEEL_CACHE")"; mktemp -d "$WHEEL_CACHE.tmp.XXXXXX"; })
        # an interrupted build leaves neither its wheel folder nor the 0.4 GB
        # precompiled header behind
        trap 'rm -rf "$tmp"' EXIT
        # --no-build-isolation: the build must see the torch installed above;
        # --no-cache-dir: pip's own cache is not keyed by torch version.
        # Hiding the GPUs keeps the build to the CPU ops unless asked.
        visible=""; [ "$OPS" = cpu ] && visible="CUDA_VISIBLE_DEVICES="
        compiler=()
        if [ "$MMCV_BUILD" = pch ]; then
            say "    compiling mmcv with precompiled headers (about 2 minutes on 2 cores, once per torch build)"
            compiler=(CXX="$PCH_CXX" HYATT_PCH_DIR="$tmp/pch"
                      HYATT_REAL_CXX="${CXX:-c++}")
        else
            say "    compiling mmcv as its setup.py does (about 20 minutes on 2 cores, once per torch build)"
        fi
        env $visible ${compiler[@]+"${compiler[@]}"} MMCV_WITH_OPS=1 FORCE_CUDA=$MMCV_CUDA_OPS \
            MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
            "$PY" -m pip wheel -v --no-deps --no-build-isolation --no-cache-dir \
            -w "$tmp" "$MMCV_PIN" > "$build_log" 2>&1 &
        pid=$!
        start=$SECONDS
        while kill -0 "$pid" 2>/dev/null; do
            sleep 20
            step=$(grep -oE '^ *\[[0-9]+/[0-9]+\]' "$build_log" | tail -n 1 | tr -d " " || true)
            say "    ... $(( (SECONDS - start) / 60 )) min${step:+, compiled $step}"
        done
        if ! wait "$pid"; then  # (the EXIT trap removes $tmp)
            hint=""
            [ "$MMCV_BUILD" = pch ] && hint=" (MMCV_BUILD=stock make setup builds it as mmcv's setup.py does)"
            fail "building $MMCV_PIN failed$hint" "$build_log"
        fi
        rm -rf "$tmp/pch"
        mkdir -p "$(dirname "$MMCV_DIR")"
        rm -rf "$MMCV_DIR"
        mv "$tmp" "$MMCV_DIR"  # atomic: a killed build leaves no half wheel
        trap - EXIT
        say "    built in $(( (SECONDS - start) / 60 )) min, kept in $MMCV_DIR"
    else
        say "    using the wheel built earlier for this torch: $MMCV_DIR"
    fi
    pip_install mmcv --no-deps --force-reinstall "$MMCV_DIR"/mmcv-*.whl
    if ! "$PY" -c 'import mmcv.ops' > "$LOGS/mmcv-import.log" 2>&1; then
        rm -rf "$MMCV_DIR"
        fail "the mmcv wheel in $MMCV_DIR does not import against $TORCH_KEY (removed it; run make setup again to rebuild)" "$LOGS/mmcv-import.log"
    fi
    echo "$MMCV_KEY" > "$VENV/.mmcv-build-key"
fi

say "5/7 mmdet and mmpose (without their unbuildable declared dependencies)"
pip_install openmmlab --no-deps -r "$REQ/openmmlab.txt"

say "6/7 hyatt_mmpose itself (editable)"
pip_install project --no-deps --no-build-isolation -e "$ROOT"

"$PY" -c "$CHECK_IMPORTS" > "$LOGS/check.log" 2>&1 \
    || fail "the environment is built but does not import: $CHECK_IMPORTS" "$LOGS/check.log"

say "7/7 tcmalloc, the allocator the tools preload"
install_tcmalloc
wanted_stamp > "$STAMP"
say "done: $VENV is ready"
