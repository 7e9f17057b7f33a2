"""tcmalloc for the tools that train and evaluate.

PyTorch on the CPU allocates and frees activations of hundreds of MB in every
training step. glibc maps each such block on its own and hands it back to the
system when it is freed, so every step pays again for fresh, zeroed pages: on
the 2-core machines this project is developed on, that kernel time was most
of a HYATT-Net step (``docs/benchmarks.md``). tcmalloc keeps freed pages for
reuse. It replaces ``malloc`` only when preloaded before the process starts,
so the tools re-execute themselves once with it in ``LD_PRELOAD``, the
variable through which PyTorch's own CPU launcher
(``torch.backends.xeon.run_cpu``) preloads it too.
"""
import ctypes.util
import os
import os.path as osp
import re
import sys
from typing import Dict, Mapping, Optional

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


def _restore(variable: str, marker: str) -> None:
    """Sets ``variable`` to the value the relaunch kept in ``marker``
    (unsets it where that is empty), and drops ``marker``."""
    previous = os.environ.pop(marker)
    if previous:
        os.environ[variable] = previous
    else:
        os.environ.pop(variable, None)


def _note_system_allocator(reason: str) -> None:
    print(
        f'hyatt_mmpose: {reason}, so the system allocator is used (a CPU '
        'training step took 1.6-2.1x as long with it here; '
        'HYATT_ALLOCATOR=system silences this)',
        file=sys.stderr)


def relaunch_with_tcmalloc() -> None:
    """Re-executes the running command with tcmalloc preloaded.

    Call it when a tool starts, before it parses its arguments. In the
    relaunched process it puts ``LD_PRELOAD`` (and ``LD_LIBRARY_PATH``,
    where :func:`tcmalloc_environ` changed it) back as it was, so that the
    programs the tool starts (compilers, git, other tools) do not inherit
    tcmalloc. Returns without relaunching when ``HYATT_ALLOCATOR=system``,
    when tcmalloc or jemalloc is preloaded already, when no tcmalloc is
    found or its path cannot be preloaded (then with a note on stderr:
    training on the CPU is slower), and on Python 3.9, which cannot tell
    its own command line (``sys.orig_argv``). The new process has the same
    process id, interpreter options and arguments.

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
    preloaded = os.environ.get('LD_PRELOAD', '')
    if 'tcmalloc' in preloaded or 'jemalloc' in preloaded:
        return
    argv = getattr(sys, 'orig_argv', None)
    if argv is None:
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
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, argv, environ)
