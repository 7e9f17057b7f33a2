"""The seeded train/val/test split of the converters."""
from typing import Dict, List, Sequence

import numpy as np


def seeded_split(items: Sequence,
                 sizes: Dict[str, int],
                 seed: int,
                 rest: str = 'train') -> Dict[str, List]:
    """Splits ``items`` at random, reproducibly from ``seed``.

    The items are shuffled with ``np.random.default_rng(seed)``; the parts
    of ``sizes`` take the first ones in turn and ``rest`` the others. Each
    part keeps the items' own order, so that its file lists them as the
    dataset does.

    Args:
        items (Sequence): The items to split.
        sizes (dict): Part name -> number of items, e.g.
            ``dict(val=20, test=50)``.
        seed (int): The seed of the shuffle.
        rest (str): The name of the part that gets the remaining items.

    Returns:
        dict: Part name -> its items: those of ``sizes``, then ``rest``.
    """
    order = np.random.default_rng(seed).permutation(len(items))
    parts, start = {}, 0
    for name, size in sizes.items():
        parts[name] = order[start:start + size]
        start += size
    parts[rest] = order[start:]
    return {
        name: [items[i] for i in sorted(picked)]
        for name, picked in parts.items()
    }
