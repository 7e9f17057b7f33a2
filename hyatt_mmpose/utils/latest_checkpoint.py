import glob
import os.path as osp
import re
from typing import Optional


def latest_checkpoint(work_dir: str) -> Optional[str]:
    """The newest ``epoch_N.pth`` (else ``iter_N.pth``) in ``work_dir``
    itself, or None.

    mmengine's own lookup reads the ``last_checkpoint`` file, which holds an
    absolute path: in a copied work dir it points into the original run, so
    resuming the copy would read (and then write beside) another run's files.
    """
    for kind in ('epoch', 'iter'):
        found = []
        for path in glob.glob(osp.join(work_dir, f'{kind}_*.pth')):
            match = re.fullmatch(rf'{kind}_(\d+)\.pth', osp.basename(path))
            if match:
                found.append((int(match.group(1)), path))
        if found:
            return max(found)[1]
    return None
