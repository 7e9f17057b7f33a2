#!/usr/bin/env bash
# The C++ compiler that tools/setup_env.sh gives mmcv's build (as CXX, which
# torch's ninja build uses for every .cpp): it compiles each file with a
# precompiled <torch/types.h> and without debug information.
#
# Why: almost all of the CPU build's time goes to parsing PyTorch's headers,
# once for each of mmcv's 77 files (about 10 s of a file's 10-14 s); a
# precompiled header is parsed once. Debug information (-g, from Python's
# own CFLAGS) makes each object 50x larger and is not what anyone installing
# mmpose debugs. Neither changes the machine code: objects built with and
# without this wrapper disassemble identically (docs/benchmarks.md).
#
# The header is precompiled on the first compile, with that compile's own
# flags (every file of mmcv's one extension gets the same), under a lock so
# that parallel jobs build it once. Should a file's flags ever differ, gcc
# says so (-Winvalid-pch) and reads the header as text: slower, same result.
# Should precompiling fail, every file is compiled without the header (its
# log is left in HYATT_PCH_DIR/precompile.log).
#
# Environment:
#   HYATT_PCH_DIR   folder for the header and its .gch (required; the caller
#                   removes it after the build: the .gch is about 0.4 GB)
#   HYATT_REAL_CXX  the compiler command to run, words split (default: c++,
#                   e.g. "ccache g++")
set -euo pipefail
read -ra real <<< "${HYATT_REAL_CXX:-c++}"
dir=${HYATT_PCH_DIR:?HYATT_PCH_DIR must name a folder for the precompiled header}

is_compile=0
for arg in "$@"; do [ "$arg" = -c ] && is_compile=1; done
# links and anything else pass through untouched
[ "$is_compile" = 1 ] || exec "${real[@]}" "$@"

# the header's flags: this command's, less what names its source and outputs
header_flags=()
skip=0
for arg in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$arg" in
        -o | -MF) skip=1 ;;
        -c | -MMD | *.cpp | *.cc | *.cxx) ;;
        *) header_flags+=("$arg") ;;
    esac
done

header=$dir/torch_types.h
mkdir -p "$dir"
(
    flock 9
    if [ ! -f "$header.gch" ] && [ ! -f "$dir/precompile.failed" ]; then
        echo '#include <torch/types.h>' > "$header"
        if "${real[@]}" "${header_flags[@]}" -g0 -x c++-header "$header" \
                -o "$header.gch.tmp" > "$dir/precompile.log" 2>&1; then
            mv "$header.gch.tmp" "$header.gch"
        else
            touch "$dir/precompile.failed"
        fi
    fi
) 9> "$dir/lock"

if [ -f "$dir/precompile.failed" ]; then
    exec "${real[@]}" "$@" -g0
fi
exec "${real[@]}" "$@" -g0 -include "$header" -Winvalid-pch
