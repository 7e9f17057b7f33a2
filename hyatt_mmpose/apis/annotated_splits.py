"""The annotated images of a split, and a model's predictions on them
scored against their ground truth (calibration, coverage plots and site
adaptation share these)."""
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS

from ..datasets.converters import read_json
from ..datasets.image_identity import image_fingerprint, image_sha256
from ..evaluation.functional import landmark_errors
from ..utils.safe_checkpoint import safe_torch_load
from .landmark_checks import NO_PEAK
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
        visible (K,), pixel_spacing, size)`` (``size``: the entry's
        ``(width, height)``), and the file's COCO ``info``.

    Raises:
        FileNotFoundError: If ``ann_file`` does not exist, saying how to
            make a calibration split.
        ValueError: If it holds no annotated image.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(
            f'{ann_file}: no such annotation file; convert the dataset with '
            'a calibration split (e.g. tools/dataset_converters/isbi2015.py '
            'ROOT --cal-size 20) or give --ann-file')
    document = read_json(ann_file, 'annotation file')
    if not document.get('images') or not document.get('annotations'):
        raise ValueError(f'{ann_file}: no annotated images; give a file '
                         'with images and their landmarks')
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
                pixel_spacing=info['pixel_spacing'],
                # (W, H) the entry frames (the whole image, as it says it)
                size=tuple(np.asarray(info['bbox'], float).reshape(-1)[2:4])))
    if not infos:  # entries, but none the dataset class takes
        raise ValueError(f'{ann_file}: no annotated image that '
                         f'{dataset_cfg["type"]} can use; give a file with '
                         'images and their landmarks')
    return infos, dict(document.get('info') or {})


def predict_split(predictor: LandmarkPredictor,
                  infos: Sequence[dict]) -> Dict[str, np.ndarray]:
    """Predicts a split and scores it against its ground truth.

    Args:
        predictor (LandmarkPredictor): The model.
        infos (Sequence[dict]): As :func:`read_split` returns.

    Returns:
        dict: ``errors_mm`` ``(n, K)`` (NaN where not annotated),
        ``pred_px`` and ``gt_px`` ``(n, K, 2)``, ``spacing`` ``(n, 2)``,
        ``no_peak`` ``(n, K)`` (landmarks flagged ``'no_peak'``, whose error
        is that of the head's marker);
        ``spreads_mm`` ``(n, K)`` when the predictor reports spreads, and
        ``radius_mm`` ``(n, K)`` with a calibration.

    Raises:
        ValueError: If an image has no pixel spacing.
    """
    missing = [i['img_path'] for i in infos if i['pixel_spacing'] is None]
    if missing:
        raise ValueError(f'{missing[0]}: no pixel_spacing in its annotation '
                         'file; errors are scored in mm')
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
    out['no_peak'] = np.stack([[NO_PEAK in f for f in r['flags']]
                               for r in results])
    if predictor.with_spread:
        out['spreads_mm'] = np.stack([r['spread_mm'] for r in results])
    if predictor.calibration is not None:
        out['radius_mm'] = np.stack([r['radius_mm'] for r in results])
    return out


def _dataset_images(dataset: dict, cfg: Config, loader: str,
                    which: str) -> Dict[str, str]:
    """Pixel SHA-256 to annotation file, of a dataset config (through
    ``ConcatDataset``'s ``datasets`` and wrappers' ``dataset``), read by
    ``cfg``'s val dataset class (a saved fine-tuning config has none).

    Args:
        dataset (dict): The dataset's config.
        cfg (Config): The config whose val dataset class reads the files.
        loader (str): The data loader it belongs to, and ``which`` config
            (for the messages).
        which (str): See ``loader``.

    Returns:
        dict: Each image's pixel SHA-256 to its annotation file.

    Raises:
        FileNotFoundError: If an annotation file or image is not there.
        ValueError: If the dataset names no annotation file.
    """
    if 'datasets' in dataset or 'dataset' in dataset:
        parts = dataset.get('datasets') or [dataset['dataset']]
        seen: Dict[str, str] = {}
        for part in parts:
            seen.update(_dataset_images(part, cfg, loader, which))
        return seen
    if 'ann_file' not in dataset:
        raise ValueError(
            f'{loader} of {which}: a dataset without an ann_file, so the '
            'images the model '
            'was trained or selected on cannot be checked; give the model a '
            'config whose datasets name their annotation files')
    path = osp.join(dataset.get('data_root', ''), dataset['ann_file'])
    if not osp.isfile(path):
        # a check that cannot be made is not skipped: it would accept the
        # model's own training images
        raise FileNotFoundError(
            f'{path}: the {loader} annotation file of {which} is not found '
            f'from {os.getcwd()}, so the images the model was trained or '
            'selected on cannot be checked; run from the folder its paths are '
            'relative to, or give --cfg-options '
            'train_dataloader.dataset.data_root=ABSOLUTE_FOLDER (and '
            'val_dataloader.dataset.data_root=...), which apply to the '
            'config saved in the checkpoint too (a checkpoint trained by '
            'this version records its images itself)')
    return {
        image_sha256(info['img_path']): f'{path} ({loader})'
        for info in read_split(cfg, path, dataset.get('data_root'))[0]
    }


def _config_images(cfg: Config, checkpoint_meta: dict, checkpoint: str,
                   loaders: Sequence[str],
                   cfg_options: Optional[dict]) -> Dict[str, str]:
    """The images of ``loaders`` in ``cfg`` and in the config saved in the
    checkpoint, with the user's ``cfg_options`` applied to both (they say
    where the data is from here)."""
    configs = [(cfg, 'the config')]
    if isinstance(checkpoint_meta.get('cfg'), str):
        saved = Config.fromstring(checkpoint_meta['cfg'], '.py')
        if cfg_options:
            saved.merge_from_dict(cfg_options)
        configs.append((saved, f'the config saved in {checkpoint}'))
    seen: Dict[str, str] = {}
    for config, which in configs:
        for loader in loaders:
            dataset = (config.get(loader) or {}).get('dataset')
            if dataset:
                for digest, where in _dataset_images(dataset, cfg, loader,
                                                     which).items():
                    seen.setdefault(digest, where)
    return seen


def _parent_images(parent: str, cfg: Config, loaders: Sequence[str],
                   cfg_options: Optional[dict],
                   checkpoint: str) -> Dict[str, str]:
    """The images of a checkpoint ``checkpoint`` was loaded from and that
    recorded none itself: from its own files where it is still there, else
    a warning that they go unchecked (a public pretrained model, say)."""
    if not osp.isfile(parent):
        warnings.warn(
            f'{checkpoint}: started from {parent}, which records no training '
            'images and is not found here; the images that model was '
            'trained on are not checked')
        return {}
    meta = dict(safe_torch_load(parent).get('meta') or {})
    return seen_images(cfg, meta, parent, loaders, cfg_options)


def seen_images(cfg: Config,
                checkpoint_meta: dict,
                checkpoint: str,
                loaders: Sequence[str] = ('train_dataloader',
                                          'val_dataloader'),
                cfg_options: Optional[dict] = None) -> Dict[str, str]:
    """The images a checkpoint has been trained (or selected) on, by
    content (:func:`image_sha256`).

    A checkpoint saved by a run with ``SeenImagesHook`` records them
    itself (``meta['seen_images']``): those are used, from any folder, with
    those of any checkpoint it was loaded from that recorded none
    (``meta['seen_images_unrecorded']``, read from that checkpoint's own
    files). A checkpoint without the record has them read from ``loaders``
    of ``cfg`` and of the config saved in it (what it was really trained
    with). Images a site adaptation used (``meta['adaptation']``) are added
    either way.

    Args:
        cfg (Config): The config given with the checkpoint.
        checkpoint_meta (dict): The checkpoint's ``meta``.
        checkpoint (str): The checkpoint's path, for the messages.
        loaders (Sequence[str]): The data loaders whose images count.
        cfg_options (dict, optional): The user's config overrides, applied
            to the saved config too (e.g. where the data is from here).

    Returns:
        dict: Each image's pixel SHA-256 to where it was found.

    Raises:
        FileNotFoundError: If an annotation file or image needed for the
            check is missing (the check is never skipped).
        ValueError: If a dataset names no annotation file.
    """
    seen: Dict[str, str] = {}
    recorded = checkpoint_meta.get('seen_images')
    if isinstance(recorded, dict):
        for loader in loaders:
            for digest, where in (recorded.get(loader) or {}).items():
                seen.setdefault(
                    digest, f'{where} ({loader}), as recorded '
                    f'in {checkpoint}')
        for parent in checkpoint_meta.get('seen_images_unrecorded', []):
            for digest, where in _parent_images(parent, cfg, loaders,
                                                cfg_options,
                                                checkpoint).items():
                seen.setdefault(digest, where)
    else:
        seen = _config_images(cfg, checkpoint_meta, checkpoint, loaders,
                              cfg_options)
    adaptation = checkpoint_meta.get('adaptation', {})
    digests = adaptation.get('image_sha256') or [
        image_sha256(path) for path in adaptation.get('images', [])
    ]
    for digest in digests:
        seen.setdefault(digest, f'the images {checkpoint} was adapted on')
    return seen


def image_digests(infos: Sequence[dict]) -> List[str]:
    """The pixel SHA-256 of each image of a split (:func:`read_split`)."""
    return [image_sha256(i['img_path']) for i in infos]


def image_properties(infos: Sequence[dict]) -> dict:
    """What a calibration's radii depend on in its images: the range of
    their pixel spacing (mm, per axis) and size (px).

    Returns:
        dict: ``pixel_spacing_mm``, ``width_px``, ``height_px``, each
        ``[min, max]``.
    """
    spacing = np.stack([i['pixel_spacing'] for i in infos])
    sizes = np.array([image_fingerprint(i['img_path'])[1] for i in infos])
    return dict(
        pixel_spacing_mm=[float(spacing.min()),
                          float(spacing.max())],
        width_px=[int(sizes[:, 1].min()),
                  int(sizes[:, 1].max())],
        height_px=[int(sizes[:, 0].min()),
                   int(sizes[:, 0].max())])


def offsets_images(offsets) -> List[str]:
    """The pixel SHA-256 of the images site offsets were estimated on.

    Args:
        offsets (SiteOffsets): As loaded.

    Raises:
        FileNotFoundError: If the offsets predate recorded digests and an
            image they name is gone.
    """
    return offsets.record.get('image_sha256') or [
        image_sha256(path) for path in offsets.record.get('images', [])
    ]


def check_unseen(infos: Sequence[dict], seen: Dict[str, str],
                 ann_file: str) -> None:
    """Refuses images in ``seen`` (see :func:`seen_images`), compared by
    content: a copy in another folder or under another name is the same
    image.

    Args:
        infos (Sequence[dict]): As :func:`read_split` returns.
        seen (dict): Pixel SHA-256 to where the image was seen.
        ann_file (str): The file ``infos`` came from, for the message.

    Raises:
        ValueError: Naming how many, the first, and where it was seen.
    """
    shared = [(i['img_path'], d) for i, d in zip(infos, image_digests(infos))
              if d in seen]
    if shared:
        raise ValueError(
            f'{ann_file}: {len(shared)} image(s), e.g. {shared[0][0]}, have '
            f'the same pixels as images in {seen[shared[0][1]]}; use images '
            'the model was neither trained nor selected on')


def check_sizes(infos: Sequence[dict], ann_file: str) -> None:
    """Refuses an image whose size is not its entry's ``width`` x
    ``height``: predictions frame the image they read, the ground truth is
    in the entry's frame.

    Args:
        infos (Sequence[dict]): As :func:`read_split` returns.
        ann_file (str): Their file, for the message.

    Raises:
        ValueError: Naming the entry, the image and both sizes.
    """
    for info in infos:
        height, width = image_fingerprint(info['img_path'])[1]
        if tuple(info['size']) != (width, height):
            raise ValueError(
                f'{ann_file}, image id {info["img_id"]}: {info["img_path"]} '
                f'is {width} x {height} px, its entry says '
                f'{info["size"][0]:g} x {info["size"][1]:g} ("width" x '
                '"height"); correct the entry')


def check_distinct(infos: Sequence[dict], ann_file: str) -> None:
    """Refuses a split that holds one image twice (by content), which
    would count it twice in ``n``.

    Raises:
        ValueError: Naming the two entries and the fix.
    """
    first: Dict[str, dict] = {}
    for info, digest in zip(infos, image_digests(infos)):
        if digest in first:
            other = first[digest]
            raise ValueError(
                f'{ann_file}: image id {info["img_id"]} ({info["img_path"]}) '
                f'has the same pixels as image id {other["img_id"]} '
                f'({other["img_path"]}); each image may be listed once')
        first[digest] = info


def check_spacing(infos: Sequence[dict], ann_file: str, why: str) -> None:
    """Refuses images without a pixel spacing, before anything is written.

    Args:
        infos (Sequence[dict]): As :func:`read_split` returns.
        ann_file (str): Their file, for the message.
        why (str): What needs millimetres, e.g. ``'site offsets are in
            mm'``.

    Raises:
        ValueError: Naming how many, the first, and the fix.
    """
    missing = [i for i in infos if i['pixel_spacing'] is None]
    if missing:
        raise ValueError(
            f'{ann_file}: {len(missing)} of {len(infos)} image(s), e.g. '
            f'image id {missing[0]["img_id"]} ({missing[0]["img_path"]}), '
            f'have no pixel_spacing, and {why}; give each image its '
            '"pixel_spacing" (mm per pixel) in the annotation file')
