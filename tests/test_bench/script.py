"""Running a bench/ script as a user would."""
import subprocess
import sys

from ..utils import REPO_ROOT


def run_bench(script: str, *args: str) -> subprocess.CompletedProcess:
    """``python bench/<script> ARGS`` from the repository root, its output
    captured as text (at most 10 minutes)."""
    return subprocess.run([sys.executable, f'bench/{script}', *args],
                          cwd=REPO_ROOT,
                          capture_output=True,
                          text=True,
                          timeout=600)
