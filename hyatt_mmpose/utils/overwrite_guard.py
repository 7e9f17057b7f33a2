"""The guard of every command that writes files: never overwrite
without ``--overwrite``."""
import os.path as osp
from typing import Sequence


def check_outputs_free(paths: Sequence[str], overwrite: bool) -> None:
    """Refuses to replace existing outputs unless asked to.

    Args:
        paths (Sequence[str]): The files a command is about to write.
        overwrite (bool): Whether replacing them was asked for
            (``--overwrite``).

    Raises:
        FileExistsError: Naming the first that exists, unless
            ``overwrite``.
    """
    existing = [p for p in paths if osp.exists(p)]
    if existing and not overwrite:
        raise FileExistsError(
            f'{existing[0]} already exists; pass --overwrite to replace it')
