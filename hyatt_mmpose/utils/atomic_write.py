import contextlib
import os
import os.path as osp
import tempfile


@contextlib.contextmanager
def atomic_write(path: str, mode: str = 'w', **open_kwargs):
    """Writes ``path`` through a temporary file in the same folder.

    The file appears complete or not at all: a crash or an exception leaves
    any earlier file as it was and no temporary behind. The result gets the
    usual permissions (0666 less the umask), not mkstemp's private 0600.

    Args:
        path (str): The file to write; its folder is created if needed.
        mode (str): ``'w'`` for text, ``'wb'`` for bytes.
        **open_kwargs: Passed to :func:`open` (e.g. ``newline=''``).

    Yields:
        The open temporary file.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix='.tmp')
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
