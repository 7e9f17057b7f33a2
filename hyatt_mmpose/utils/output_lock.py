"""One run at a time per output: two runs writing the same file would each
report success while one's output replaces the other's."""
import contextlib
import fcntl
import os
import os.path as osp
from typing import Iterator


class OutputLockedError(RuntimeError):
    """The output is being written by another run (names it and its pid)."""


def lock_path_of(path: str) -> str:
    """The lock file of an output: hidden, beside it.

    Args:
        path (str): The output file.

    Returns:
        str: ``<folder>/.<name>.lock``.
    """
    folder, name = osp.split(osp.abspath(path))
    return osp.join(folder, f'.{name}.lock')


def _holder(fd: int) -> str:
    """The pid the holder wrote into the lock file, as words."""
    pid = os.pread(fd, 32, 0).decode(errors='replace').strip()
    # empty while the holder is between taking the lock and writing it
    return f'pid {pid}' if pid.isdigit() else 'pid unknown'


@contextlib.contextmanager
def output_lock(path: str) -> Iterator[None]:
    """Holds an exclusive lock on an output for the run, or refuses at once.

    The lock is ``flock`` on ``lock_path_of(path)``, which holds
    this process's pid while it is held and is removed on release. The
    kernel releases it when the process ends however it ends (a crash, a
    kill), so a dead run never blocks the next; a file left by a killed run
    is simply locked again. The output's folder is created if needed.
    Local file systems only (``flock`` is not shared across NFS clients).

    Args:
        path (str): The output file the run is about to write.

    Yields:
        None, while the lock is held.

    Raises:
        OutputLockedError: If another run holds it; nothing is written.
    """
    lock = lock_path_of(path)
    os.makedirs(osp.dirname(lock), exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputLockedError(
                f'{path} is being written by another run ({holder}, lock '
                f'{lock}); wait for it to finish or write elsewhere') from None
        # The last holder removes the file as it releases it: a lock taken
        # on a removed file guards nothing, so take the new file's instead.
        try:
            current = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f'{os.getpid()}\n'.encode(), 0)
        yield
    finally:
        # removed while still held, so no other run can be locking it
        with contextlib.suppress(FileNotFoundError):
            os.remove(lock)
        os.close(fd)
