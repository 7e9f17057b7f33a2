"""tcmalloc for the tools that train and evaluate, chosen before anything
heavy is imported.

Why a module of its own, beside the package rather than in it: importing
any ``hyatt_mmpose.<module>`` first runs ``hyatt_mmpose/__init__.py``, which
imports torch, mmengine and mmpose and registers every component (about 3 s,
and it must, for ``custom_imports=['hyatt_mmpose']``). tcmalloc replaces
``malloc`` only when it is preloaded before the process starts, so the tools
re-execute themselves once with it in ``LD_PRELOAD`` (the variable through
which PyTorch's own CPU launcher, ``torch.backends.xeon.run_cpu``, preloads
it too). Done after those imports, the restart paid them twice; this module
uses nothing but the standard library, so a tool imports it first and
restarts within milliseconds.

Why tcmalloc: PyTorch on the CPU allocates and frees activations of hundreds
of MB in every training step. glibc maps each such block on its own and
hands it back to the system when it is freed, so every step pays again for
fresh, zeroed pages: on the 2-core machines this project is developed on,
that kernel time was most of a HYATT-Net step (``docs/benchmarks.md``).
tcmalloc keeps freed pages for reuse.

Why not for runs on a GPU: there the model's tensors live on the GPU, and
the CPU's work is the data pipeline, which tcmalloc slowed down: the train
pipeline of ``configs/hyatt_cephalometric.py`` on ISBI 2015 images took
2.5-2.8 s a sample with it against 0.44-0.50 s with glibc on this 2-core
machine, nearly all of it in mmpose's unbiased Gaussian heatmaps, whose
per-landmark full-size temporaries (5 MB each) glibc reuses and tcmalloc
does not. Such runs keep glibc's allocator (``HYATT_ALLOCATOR=tcmalloc``
asks for tcmalloc all the same).
"""
import ctypes.util
import os
import os.path as osp
import re
import sys
from typing import Dict, Mapping, Optional, Sequence

__all__ = [
    'ALLOCATOR_VARIABLE', 'chosen_allocator', 'device_option', 'find_tcmalloc',
    'first_local_process', 'gpu_visible', 'relaunch_with_tcmalloc',
    'tcmalloc_environ'
]

#: The environment variable that chooses the allocator of the tools.
ALLOCATOR_VARIABLE = 'HYATT_ALLOCATOR'
ALLOCATORS = ('tcmalloc', 'system')
# Debian's libtcmalloc-minimal4 (what `make setup` puts into the virtual
# environment), then gperftools' full library.
LIBRARY_NAMES = ('libtcmalloc_minimal.so.4', 'libtcmalloc.so.4')
# Set by the relaunch to the LD_PRELOAD it replaced: marks the relaunched
# process, which restores that value for the programs it starts.
RELAUNCHED = 'HYATT_TCMALLOC_RELAUNCHED'
# Set by the relaunch to the LD_LIBRARY_PATH it replaced, where it did.
RELAUNCHED_LIBRARY_PATH = 'HYATT_TCMALLOC_LIBRARY_PATH'
# What the dynamic loader splits LD_PRELOAD and LD_LIBRARY_PATH at (ld.so(8)).
PRELOAD_SEPARATORS = '[ :]'
LIBRARY_PATH_SEPARATORS = '[:;]'
# The rank of a process among those of its machine, as torchrun, srun and
# Open MPI set it.
LOCAL_RANK_VARIABLES = ('LOCAL_RANK', 'SLURM_LOCALID',
                        'OMPI_COMM_WORLD_LOCAL_RANK')
# Where Linux's NVIDIA driver lists the GPUs it drives, one folder each.
NVIDIA_GPUS = '/proc/driver/nvidia/gpus'
RESTART_NOTE = ('hyatt_mmpose: restarting with tcmalloc '
                "(HYATT_ALLOCATOR=system keeps glibc's allocator)")


def find_tcmalloc() -> Optional[str]:
    """The tcmalloc library to preload, or None.

    Looks in the running interpreter's environment first (``<venv>/lib``,
    where ``make setup`` installs it), then in the dynamic linker's cache.

    Returns:
        str | None: A path, a library name the dynamic linker resolves, or
        None when neither place has one.
    """
    for name in LIBRARY_NAMES:
        path = osp.join(sys.prefix, 'lib', name)
        if osp.isfile(path):
            return path
    for name in ('tcmalloc_minimal', 'tcmalloc'):
        found = ctypes.util.find_library(name)
        if found:
            return found
    return None


def tcmalloc_environ(
        library: str,
        environ: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """``environ`` with ``library`` first in ``LD_PRELOAD``.

    The dynamic loader splits ``LD_PRELOAD`` at spaces and colons, with no
    escape: a library under a folder whose name has a space (a virtual
    environment in ``/home/me/My Projects``) would be read as two missing
    files, each reported at every start, and not loaded. Such a library is
    preloaded by its file name, with its folder put first in
    ``LD_LIBRARY_PATH``, which the loader splits only at colons and
    semicolons.

    Args:
        library (str): What :func:`find_tcmalloc` returned.
        environ (Mapping[str, str]): The environment to extend; not changed.

    Returns:
        dict: The new environment.

    Raises:
        ValueError: ``library``'s path has a space or colon and its folder a
            colon or semicolon, which neither variable can carry; the
            message says so.
    """
    folder, name = osp.split(library)
    changes = {}
    if re.search(PRELOAD_SEPARATORS, library):
        if re.search(LIBRARY_PATH_SEPARATORS, folder) or re.search(
                PRELOAD_SEPARATORS, name):
            raise ValueError(
                f'the dynamic loader cannot preload tcmalloc from "{library}":'
                ' it splits LD_PRELOAD and LD_LIBRARY_PATH at the colon or '
                'semicolon in that path (a virtual environment under a path '
                'without them gets tcmalloc)')
        library = name
        changes['LD_LIBRARY_PATH'] = ':'.join(
            p for p in (folder, environ.get('LD_LIBRARY_PATH')) if p)
    preload = [library
               ] + [p for p in environ.get('LD_PRELOAD', '').split(':') if p]
    return dict(environ, LD_PRELOAD=':'.join(preload), **changes)


def chosen_allocator(environ: Mapping[str, str] = os.environ) -> str:
    """The allocator ``HYATT_ALLOCATOR`` asks for.

    Args:
        environ (Mapping[str, str]): Where to read the variable.

    Returns:
        str: ``'tcmalloc'`` (the default, also when the variable is empty)
        or ``'system'``.

    Raises:
        ValueError: For any other value.
    """
    value = environ.get(ALLOCATOR_VARIABLE) or 'tcmalloc'
    if value not in ALLOCATORS:
        raise ValueError(f'{ALLOCATOR_VARIABLE}={value!r}: use tcmalloc (the '
                         'default) or system (glibc, what python uses '
                         'without preloading)')
    return value


def device_option(argv: Sequence[str]) -> Optional[str]:
    """The value of ``--device`` on a command line, read without its
    parser (the tool's imports come after the allocator's choice).

    Args:
        argv (Sequence[str]): The arguments.

    Returns:
        str | None: The last ``--device X`` or ``--device=X``, or None.
    """
    device = None
    for i, arg in enumerate(argv):
        if arg == '--device' and i + 1 < len(argv):
            device = argv[i + 1]
        elif arg.startswith('--device='):
            device = arg.split('=', 1)[1]
    return device


def gpu_visible(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether PyTorch would find a CUDA device, as far as the standard
    library can tell (importing torch to ask is what the restart must come
    before): an NVIDIA GPU driven here, not hidden by
    ``CUDA_VISIBLE_DEVICES``.

    Args:
        environ (Mapping[str, str]): Where to read
            ``CUDA_VISIBLE_DEVICES``.

    Returns:
        bool: True where ``/proc/driver/nvidia/gpus`` lists a GPU and
        ``CUDA_VISIBLE_DEVICES`` is unset or names one.
    """
    visible = environ.get('CUDA_VISIBLE_DEVICES')
    if visible is not None and visible.strip() in ('', '-1'):
        return False
    try:
        return bool(os.listdir(NVIDIA_GPUS))
    except OSError:
        return False


def first_local_process(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this is the first process of its machine: the one that says
    what every process of a distributed launch does alike (torchrun's,
    srun's and mpirun's workers each restart, and would each say so).

    Args:
        environ (Mapping[str, str]): Where to read the launchers' local
            ranks (``LOCAL_RANK``, ``SLURM_LOCALID``,
            ``OMPI_COMM_WORLD_LOCAL_RANK``).

    Returns:
        bool: False where a launcher gives a local rank other than 0.
    """
    return all(environ.get(v, '0') in ('', '0') for v in LOCAL_RANK_VARIABLES)


def _restore(variable: str, marker: str) -> None:
    """Sets ``variable`` to the value the relaunch kept in ``marker``
    (unsets it where that is empty), and drops ``marker``."""
    previous = os.environ.pop(marker)
    if previous:
        os.environ[variable] = previous
    else:
        os.environ.pop(variable, None)


def _say(line: str) -> None:
    """One line on stderr, from the first process of the machine only."""
    if first_local_process():
        print(line, file=sys.stderr, flush=True)


def _note_system_allocator(reason: str) -> None:
    _say(f'hyatt_mmpose: {reason}, so the system allocator is used (a CPU '
         'training step took 1.6-2.1x as long with it here; '
         'HYATT_ALLOCATOR=system silences this)')


def relaunch_with_tcmalloc(default_device: str = 'auto') -> None:
    """Re-executes the running command with tcmalloc preloaded, unless it
    will run on a GPU.

    Call it when a tool starts, before it imports anything but the standard
    library and before it parses its arguments; it says so in one line on
    stderr (``RESTART_NOTE``, from the first process of a machine only).
    A run on a GPU keeps glibc's allocator (the module's docstring says
    why): one whose ``--device`` names CUDA, or, without ``--device``, one
    whose ``default_device`` is ``'auto'`` (mmengine's Runner takes CUDA
    where there is one) on a machine with a GPU visible
    (:func:`gpu_visible`). ``HYATT_ALLOCATOR=tcmalloc`` restarts all the
    same. In the relaunched process it puts ``LD_PRELOAD`` (and
    ``LD_LIBRARY_PATH``, where :func:`tcmalloc_environ` changed it) back as
    it was, so that the programs the tool starts (compilers, git, other
    tools) do not inherit tcmalloc. Returns without relaunching when
    ``HYATT_ALLOCATOR=system``, when tcmalloc or jemalloc is preloaded
    already, when no tcmalloc is found or its path cannot be preloaded
    (then with a note on stderr: training on the CPU is slower), and on
    Python 3.9, which cannot tell its own command line
    (``sys.orig_argv``). The new process has the same process id,
    interpreter options and arguments.

    Args:
        default_device (str): The device the tool runs on without
            ``--device``: ``'auto'`` for CUDA where PyTorch finds it
            (``tools/train.py``, ``tools/test.py``), or ``'cpu'``
            (``tools/calibrate.py``, ``tools/adapt.py``).

    Raises:
        SystemExit: For an unknown ``HYATT_ALLOCATOR``, with the choices.
    """
    if RELAUNCHED in os.environ:
        _restore('LD_PRELOAD', RELAUNCHED)
        if RELAUNCHED_LIBRARY_PATH in os.environ:
            _restore('LD_LIBRARY_PATH', RELAUNCHED_LIBRARY_PATH)
        return
    try:
        if chosen_allocator() == 'system':
            return
    except ValueError as err:
        raise SystemExit(f'error: {err}')
    argv = getattr(sys, 'orig_argv', None)
    if argv is None:
        return
    device = device_option(argv) or default_device
    on_gpu = device.startswith('cuda') or (device == 'auto' and gpu_visible())
    if on_gpu and not os.environ.get(ALLOCATOR_VARIABLE):
        return
    preloaded = os.environ.get('LD_PRELOAD', '')
    if 'tcmalloc' in preloaded or 'jemalloc' in preloaded:
        return
    library = find_tcmalloc()
    if library is None:
        _note_system_allocator(
            'tcmalloc not found (`make setup` installs it on Debian and '
            "Ubuntu, elsewhere install gperftools' libtcmalloc_minimal)")
        return
    try:
        environ = tcmalloc_environ(library)
    except ValueError as err:
        _note_system_allocator(str(err))
        return
    environ[RELAUNCHED] = preloaded
    if environ.get('LD_LIBRARY_PATH') != os.environ.get('LD_LIBRARY_PATH'):
        environ[RELAUNCHED_LIBRARY_PATH] = os.environ.get(
            'LD_LIBRARY_PATH', '')
    _say(RESTART_NOTE)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, argv, environ)
