"""What the benchmark scripts share: timing, peak memory, machine facts."""
import json
import os
import platform
import statistics
import subprocess
import time

import torch

# Benchmarks take peak memory in child processes with this in their
# environment: glibc then maps every block of 64 KiB or more on its own, so
# freed tensors leave the resident set instead of being kept for reuse, and
# the resident set's peak is the peak of live memory. Never time with it:
# every such block then costs fresh page faults (up to a third of the time).
MALLOC_ENV = dict(MALLOC_MMAP_THRESHOLD_='65536')


def median_ms(fn, device: str, repeats: int) -> float:
    """Median wall time of ``fn()`` in ms, after one warm-up call."""

    def sync():
        if device.startswith('cuda'):
            torch.cuda.synchronize()

    fn()
    times = []
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class PeakMemory:
    """Peak memory in MiB above the level at entry: on CUDA what the caching
    allocator handed out, on the CPU the resident set (Linux's VmHWM, reset
    through /proc/self/clear_refs)."""

    def __init__(self, device: str):
        self.cuda = device.startswith('cuda')

    @staticmethod
    def _status(field: str) -> float:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) / 1024
        raise RuntimeError(f'no {field} in /proc/self/status')

    def __enter__(self):
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.start = torch.cuda.memory_allocated() / 2**20
        else:
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')  # VmHWM := VmRSS
            self.start = self._status('VmRSS')
        return self

    def __exit__(self, *exc):
        if self.cuda:
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated() / 2**20
        else:
            peak = self._status('VmHWM')
        self.mib = peak - self.start


def machine(device: str) -> dict:
    """CPU model, cores, threads, versions; the GPU where one is used."""
    info = dict(
        cpu=platform.processor(),
        cores=os.cpu_count(),
        threads=torch.get_num_threads(),
        python=platform.python_version(),
        torch=torch.__version__)
    try:
        with open('/proc/cpuinfo') as f:
            info['cpu'] = next(
                line.split(':', 1)[1].strip() for line in f
                if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    if device.startswith('cuda'):
        info['gpu'] = torch.cuda.get_device_name()
    return info


def glibc_environ() -> dict:
    """The running environment without any preloaded library."""
    return {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}


def add_allocator_argument(parser) -> None:
    """``--allocator tcmalloc|system`` for the timing processes."""
    parser.add_argument(
        '--allocator',
        choices=('tcmalloc', 'system'),
        help='of the timing processes (default: as the tools would run, '
        'tcmalloc where found unless HYATT_ALLOCATOR=system; peak memory '
        'is always taken with glibc)')


def timing_environ(requested) -> tuple:
    """The allocator of the timing workers and their environment.

    Args:
        requested (str | None): What ``--allocator`` says; None: what the
            tools would run on (tcmalloc where found, unless
            ``HYATT_ALLOCATOR=system``).

    Returns:
        tuple: ``'tcmalloc'`` or ``'system'``, and the environment: the
        running one with tcmalloc preloaded as the tools preload it, or
        :func:`glibc_environ`.

    Raises:
        SystemExit: When tcmalloc is asked for and not found, or lies in a
            folder that cannot be preloaded from (':' or ';' in its path).
    """
    from hyatt_mmpose_allocator import (chosen_allocator, find_tcmalloc,
                                        tcmalloc_environ)
    wanted = requested or chosen_allocator()
    library = find_tcmalloc() if wanted == 'tcmalloc' else None
    if library is None:
        if requested == 'tcmalloc':
            raise SystemExit('--allocator tcmalloc: no tcmalloc found (make '
                             'setup installs it); or time with --allocator '
                             'system')
        return 'system', glibc_environ()
    try:
        return 'tcmalloc', tcmalloc_environ(library, glibc_environ())
    except ValueError as err:  # a folder the loader cannot be given
        if requested == 'tcmalloc':
            raise SystemExit(f'--allocator tcmalloc: {err}') from err
        return 'system', glibc_environ()


def run_worker_parts(command_for, cwd=None, time_environ=None):
    """Runs a benchmark's worker twice: timing, then peak memory.

    Args:
        command_for (Callable[[str], list]): The worker's command line for a
            part, ``'time'`` or ``'memory'``.
        cwd (str, optional): Where the workers run.
        time_environ (dict, optional): The timing worker's environment
            (default: the running one). The memory worker always runs on
            glibc with :data:`MALLOC_ENV`.

    Returns:
        tuple: The two JSON results merged (each the last line of its
        stdout) and None; or None and the last line of the failing
        worker's stderr.
    """
    row = {}
    memory_environ = dict(glibc_environ(), **MALLOC_ENV)
    for part, env in (('time', time_environ
                       or dict(os.environ)), ('memory', memory_environ)):
        done = subprocess.run(
            command_for(part),
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env)
        if done.returncode:
            return None, done.stderr.strip().splitlines()[-1]
        row.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return row, None
