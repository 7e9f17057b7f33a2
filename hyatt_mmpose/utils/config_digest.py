"""A fingerprint of what in a config changes a model's predictions, so that
numbers measured on its predictions (conformal radii, site offsets) are
refused under another input size, flip test, decoder or test pipeline."""
import hashlib
import json

from mmengine.config import Config

# settings of the model config that do not change where landmarks are
# predicted: how weights were initialised (a refined model's coarse
# checkpoint too: its checkpoint holds both stages), whether heatmaps are
# kept
IGNORED_KEYS = ('init_cfg', 'pretrained', 'output_heatmaps',
                'coarse_checkpoint')


def _relevant(value):
    if isinstance(value, dict):
        return {
            k: _relevant(v)
            for k, v in value.items() if k not in IGNORED_KEYS
        }
    if isinstance(value, (list, tuple)):
        return [_relevant(v) for v in value]
    return value


def prediction_config_sha256(cfg: Config) -> str:
    """The SHA-256 of the config's ``model`` (less its initialisation and
    ``output_heatmaps``) and its val dataset's ``pipeline``: the input size,
    framing, flip test, codecs and decoding.

    Args:
        cfg (Config): A model config.

    Returns:
        str: The hex digest of their canonical JSON.
    """
    part = dict(
        model=_relevant(cfg.model.to_dict()),
        pipeline=_relevant(
            Config(
                dict(p=cfg.val_dataloader.dataset.pipeline)).to_dict()['p']))
    text = json.dumps(
        part, sort_keys=True, separators=(',', ':'), default=repr)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()
