"""The annotated images of a split, and a model's predictions on them
scored against their ground truth (calibration, coverage plots and site
adaptation share these)."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS

from ..datasets.converters import read_json
from ..evaluation.functional import landmark_errors
from .landmark_predictor import LandmarkPredictor


def split_ann_file(cfg: Config, split: str) -> str:
    """``<split>.json`` beside the config's val annotation file."""
    dataset = cfg.val_dataloader.dataset
    return osp.join(
        dataset.get('data_root', ''), osp.dirname(dataset.ann_file),
        f'{split}.json')


def read_split(cfg: Config,
               ann_file: str,
               data_root: Optional[str] = None) -> Tuple[List[dict], dict]:
    """The ground truth of an annotation file, read by the config's val
    dataset class.

    Args:
        cfg (Config): The model's config.
        ann_file (str): The split's annotation file.
        data_root (str, optional): The folder its image names are relative
            to; default the config's (``val_dataloader.dataset.data_root``).

    Returns:
        tuple: per image ``dict(img_id, img_path, keypoints (K, 2),
        visible (K,), pixel_spacing)``, and the file's COCO ``info``.

    Raises:
        FileNotFoundError: If ``ann_file`` does not exist, saying how to
            make a calibration split.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(
            f'{ann_file}: no such annotation file; convert the dataset with '
            'a calibration split (e.g. tools/dataset_converters/isbi2015.py '
            'ROOT --cal-size 20) or give --ann-file')
    import hyatt_mmpose  # noqa: F401  (registers the dataset classes)
    init_default_scope('mmpose')
    dataset_cfg = dict(cfg.val_dataloader.dataset)
    dataset_cfg.update(
        ann_file=osp.abspath(ann_file), pipeline=[], test_mode=True)
    if data_root is not None:
        dataset_cfg.update(data_root=data_root)
    dataset = DATASETS.build(dataset_cfg)
    infos = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        infos.append(
            dict(
                img_id=info['img_id'],
                img_path=info['img_path'],
                keypoints=np.asarray(info['keypoints'])[0],
                visible=np.asarray(info['keypoints_visible'])[0] > 0,
                pixel_spacing=info['pixel_spacing']))
    document = read_json(ann_file, 'annotation file')
    return infos, dict(document.get('info') or {})


def predict_split(predictor: LandmarkPredictor,
                  infos: Sequence[dict]) -> Dict[str, np.ndarray]:
    """Predicts a split and scores it against its ground truth.

    Args:
        predictor (LandmarkPredictor): The model.
        infos (Sequence[dict]): As :func:`read_split` returns.

    Returns:
        dict: ``errors_mm`` ``(n, K)`` (NaN where not annotated),
        ``pred_px`` and ``gt_px`` ``(n, K, 2)``, ``spacing`` ``(n, 2)``;
        ``spreads_mm`` ``(n, K)`` when the predictor reports spreads, and
        ``radius_mm`` ``(n, K)`` with a calibration.

    Raises:
        ValueError: If an image has no pixel spacing.
    """
    missing = [i['img_path'] for i in infos if i['pixel_spacing'] is None]
    if missing:
        raise ValueError(f'{missing[0]}: no pixel_spacing in the annotation '
                         'file; conformal radii are in mm')
    results = predictor.predict(
        [i['img_path'] for i in infos],
        pixel_spacings=[i['pixel_spacing'] for i in infos])
    out = dict(
        pred_px=np.stack([r['landmarks_px'] for r in results]),
        gt_px=np.stack([i['keypoints'] for i in infos]),
        spacing=np.stack([r['pixel_spacing'] for r in results]),
        errors_mm=np.stack([
            landmark_errors(r['landmarks_px'], i['keypoints'], i['visible'],
                            r['pixel_spacing'])
            for r, i in zip(results, infos)
        ]))
    if predictor.with_spread:
        out['spreads_mm'] = np.stack([r['spread_mm'] for r in results])
    if predictor.calibration is not None:
        out['radius_mm'] = np.stack([r['radius_mm'] for r in results])
    return out


def seen_images(
    cfg: Config,
    checkpoint_meta: dict,
    checkpoint: str,
    loaders: Sequence[str] = ('train_dataloader', 'val_dataloader')
) -> Dict[str, str]:
    """The images a checkpoint has been trained (or selected) on, as far as
    the files say: those of ``loaders`` in ``cfg`` and in the config saved
    in the checkpoint (what it was really trained with), and those a site
    adaptation used.

    Args:
        cfg (Config): The config given with the checkpoint.
        checkpoint_meta (dict): The checkpoint's ``meta``.
        checkpoint (str): The checkpoint's path, for the messages.
        loaders (Sequence[str]): The data loaders whose files count.

    Returns:
        dict: Each image's real path to where it was found.
    """
    configs = [cfg]
    if isinstance(checkpoint_meta.get('cfg'), str):
        configs.append(Config.fromstring(checkpoint_meta['cfg'], '.py'))
    seen = {}
    for config in configs:
        for loader in loaders:
            dataset = (config.get(loader) or {}).get('dataset') or {}
            if 'ann_file' not in dataset:
                continue
            path = osp.join(dataset.get('data_root', ''), dataset.ann_file)
            if osp.isfile(path):
                # read as the given config reads (a saved fine-tuning
                # config has no val dataset to borrow the class from)
                for info in read_split(cfg, path, dataset.get('data_root'))[0]:
                    seen.setdefault(
                        osp.realpath(info['img_path']), f'{path} ({loader})')
    for image in checkpoint_meta.get('adaptation', {}).get('images', []):
        seen.setdefault(
            osp.realpath(image), f'the images {checkpoint} was adapted on')
    return seen


def check_unseen(infos: Sequence[dict], seen: Dict[str, str],
                 ann_file: str) -> None:
    """Refuses images in ``seen`` (see :func:`seen_images`).

    Args:
        infos (Sequence[dict]): As :func:`read_split` returns.
        seen (dict): Real path to where the image was seen.
        ann_file (str): The file ``infos`` came from, for the message.

    Raises:
        ValueError: Naming how many, the first, and where it was seen.
    """
    shared = [
        i['img_path'] for i in infos if osp.realpath(i['img_path']) in seen
    ]
    if shared:
        raise ValueError(
            f'{ann_file}: {len(shared)} image(s), e.g. {shared[0]}, are also '
            f'in {seen[osp.realpath(shared[0])]}; use images the model was '
            'neither trained nor selected on')
