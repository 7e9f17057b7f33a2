"""A fingerprint of what in a config changes a model's predictions, so that
numbers measured on its predictions (conformal radii, site offsets) are
refused under another input size, flip test, decoder or test pipeline."""
import hashlib
import json

from mmengine.config import Config

# settings of the model config that only say how weights were initialised
INIT_KEYS = ('init_cfg', 'pretrained')


def _without_init(value):
    if isinstance(value, dict):
        return {
            k: _without_init(v)
            for k, v in value.items() if k not in INIT_KEYS
        }
    if isinstance(value, (list, tuple)):
        return [_without_init(v) for v in value]
    return value


def prediction_config_sha256(cfg: Config) -> str:
    """The SHA-256 of the config's ``model`` (less its initialisation) and
    its val dataset's ``pipeline``: the input size, framing, flip test,
    codecs and decoding.

    Args:
        cfg (Config): A model config.

    Returns:
        str: The hex digest of their canonical JSON.
    """
    part = dict(
        model=_without_init(cfg.model.to_dict()),
        pipeline=_without_init(
            Config(
                dict(p=cfg.val_dataloader.dataset.pipeline)).to_dict()['p']))
    text = json.dumps(
        part, sort_keys=True, separators=(',', ':'), default=repr)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()
