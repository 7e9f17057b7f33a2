"""The input size of a config's network."""
from typing import Tuple

from mmengine.config import Config


def input_size_of(cfg: Config) -> Tuple[int, int]:
    """The ``(W, H)`` a config's network sees: its val pipeline's
    ``TopdownAffine`` input size, as prediction and export use it.

    Args:
        cfg (Config): A top-down pose config.

    Returns:
        tuple[int, int]: ``(W, H)`` in pixels.

    Raises:
        ValueError: If the val pipeline has no ``TopdownAffine``.
    """
    loader = cfg.get('val_dataloader') or {}
    for step in loader.get('dataset', {}).get('pipeline', []):
        if step['type'] == 'TopdownAffine':
            return tuple(step['input_size'])
    raise ValueError(f'{cfg.filename}: no TopdownAffine in the val pipeline '
                     'to take the input size from')
