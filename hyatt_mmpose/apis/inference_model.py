"""A config's model, built for prediction as mmpose's ``init_model`` builds
it, without importing ``mmpose.apis``.

``mmpose.apis`` loads mmpose's inferencers and, through them, torchvision
and mmdet's: about 110 MiB of a prediction process that uses none of them
(``docs/benchmarks.md``, "The refinement stage on an ISBI 2015
radiograph").
"""
from typing import Optional

import torch.nn as nn
from mmengine.config import Config, ConfigDict
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import DATASETS, MODELS


def config_dataset_meta(cfg: Config) -> Optional[dict]:
    """The landmarks' metainfo of a config's training dataset.

    The dataset's own ``metainfo`` setting, else its class's ``METAINFO``;
    a dataset wrapper (``ConcatDataset``, ``RepeatDataset``) gives its
    first dataset's.

    Args:
        cfg (Config): A training config.

    Returns:
        dict | None: ``parse_pose_metainfo``'s dict (``keypoint_id2name``,
        ``num_keypoints``, ...), or None if the config names no dataset
        with metainfo.
    """
    dataset = (cfg.get('train_dataloader') or {}).get('dataset')
    while isinstance(dataset, (dict, ConfigDict)):
        if 'metainfo' in dataset:
            return parse_pose_metainfo(dataset['metainfo'])
        if 'dataset' in dataset:
            dataset = dataset['dataset']
        elif dataset.get('datasets'):
            dataset = dataset['datasets'][0]
        else:
            kind = dataset.get('type')
            if kind is None:
                return None
            kind = kind if isinstance(kind, type) else DATASETS.get(kind)
            metainfo = getattr(kind, 'METAINFO', None)
            return parse_pose_metainfo(metainfo) if metainfo else None
    return None


def build_inference_model(cfg: Config, device: str) -> nn.Module:
    """The config's model in eval mode on ``device``, weights as built.

    As ``mmpose.apis.init_model(cfg, None, device)``: the config's default
    scope (if it has one), no ``train_cfg``, SyncBN reverted to BN,
    ``model.cfg`` and ``model.dataset_meta`` (the training dataset's; None
    if the config has none, when the checkpoint must name the landmarks).
    ``init_model`` also clears the backbone's ``init_cfg``; nothing here
    calls ``init_weights``, so it is left as the config gives it. The
    caller loads the weights.

    Args:
        cfg (Config): The model's config; its ``model.train_cfg`` is set to
            None in place.
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        nn.Module: The pose estimator.
    """
    scope = cfg.get('default_scope', 'mmpose')
    if scope is not None:
        init_default_scope(scope)
    cfg.model.train_cfg = None
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    model.dataset_meta = config_dataset_meta(cfg)
    model.cfg = cfg
    return model.to(device).eval()
