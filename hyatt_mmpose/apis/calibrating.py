"""Conformal calibration of a trained model on a held-out split, as
``tools/calibrate.py`` does it.

Predicts every image of the split (as tools/predict.py would: whole image,
the config's framing and flip test), scores each landmark against the
ground truth (radial error in mm, or that error over the heatmap spread),
and writes the thresholds to a JSON beside the checkpoint
(``CKPT_STEM_calibration_<score>_<coverage>.json``), atomically. The split
must be images the model was neither trained nor selected on: its images
are checked against the config's train and val annotation files.
"""
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

from ..analysis import landmark_indices, measure
from ..calibration import LandmarkCalibration
from ..utils.config_loading import load_config
from ..utils.file_hash import file_sha256
from ..utils.output_lock import output_lock
from ..utils.overwrite_guard import check_outputs_free
from .annotated_splits import (check_distinct, check_sizes, check_spacing,
                               check_unseen, image_digests, image_properties,
                               offsets_images, predict_split, read_split,
                               seen_images, split_ann_file)
from .landmark_predictor import LandmarkPredictor


def measurement_errors(scored: Dict[str, np.ndarray],
                       names: Sequence[str]) -> Optional[Dict[str, list]]:
    """Absolute error of each cephalometric measurement per image, or None
    for models without the landmarks they use."""
    try:
        landmark_indices(names)
    except ValueError:
        return None
    pred = measure(scored['pred_px'], scored['spacing'], names)
    true = measure(scored['gt_px'], scored['spacing'], names)
    return {m: np.abs(pred[m] - true[m]) for m in pred}


def calibrate(config: str,
              checkpoint: str,
              ann_file: str,
              split: str,
              coverage: float = 0.95,
              score: str = 'adaptive',
              cfg_options: Optional[dict] = None,
              device: str = 'cpu',
              batch_size: int = 8,
              site: Optional[str] = None,
              data_root: Optional[str] = None,
              site_offsets: Optional[str] = None) -> LandmarkCalibration:
    """Calibrates a checkpoint on a held-out split.

    Args:
        config (str): The model's config.
        checkpoint (str): Its checkpoint.
        ann_file (str): The split's annotation file.
        split (str): The split's name, for the record.
        coverage (float): Nominal coverage.
        score (str): ``'radial'`` or ``'adaptive'``.
        cfg_options (dict, optional): Overrides of the config (as used in
            training, e.g. another train annotation file).
        device (str): ``'cpu'`` or ``'cuda'``.
        batch_size (int): Images per forward pass.
        site (str, optional): The site the radii hold for, for the record
            (default: the annotation file's ``info``, else its dataset).
        data_root (str, optional): The folder the split's image names are
            relative to; default the config's.
        site_offsets (str, optional): Site offsets (``tools/adapt.py``) the
            predictions get first, as they will when the radii are used.

    Returns:
        LandmarkCalibration: The thresholds and their record.

    Raises:
        ValueError: If the split is empty, has an image without a pixel
            spacing, lists one image twice, or shares images (by content)
            with the training or val data of the checkpoint, with the images
            an adapted checkpoint was adapted on, or with those
            ``site_offsets`` were estimated on.
        FileNotFoundError: If the model's training data cannot be found
            for that check.
    """
    cfg = load_config(config, cfg_options)
    infos, info = read_split(cfg, ann_file, data_root)
    check_spacing(infos, ann_file, 'conformal radii are in mm')
    check_distinct(infos, ann_file)
    check_sizes(infos, ann_file)
    predictor = LandmarkPredictor(
        cfg,
        checkpoint,
        device,
        batch_size,
        with_spread=True,
        site_offsets=site_offsets)
    seen = seen_images(
        cfg, predictor.checkpoint_meta, checkpoint, cfg_options=cfg_options)
    if site_offsets is not None:
        # radii for offset predictions, measured on the offsets' own images,
        # would be too small
        seen.update(
            dict.fromkeys(
                offsets_images(predictor.site_offsets),
                f'the images {site_offsets} was estimated on'))
    check_unseen(infos, seen, ann_file)
    scored = predict_split(predictor, infos)
    scores = scored['errors_mm']
    if score == 'adaptive':
        scores = scores / scored['spreads_mm']
    return LandmarkCalibration(
        coverage,
        score,
        predictor.names,
        scores,
        measurement_errors=measurement_errors(scored, predictor.names),
        record=dict(
            split=split,
            ann_file=ann_file,
            image_ids=[int(i['img_id']) for i in infos],
            images=[osp.realpath(i['img_path']) for i in infos],
            image_sha256=image_digests(infos),
            image_properties=image_properties(infos),
            ground_truth=info.get('ground_truth', 'not recorded'),
            site=site or info.get('site', info.get('dataset', 'not recorded')),
            config=config,
            checkpoint=checkpoint,
            checkpoint_sha256=predictor.checkpoint_sha256,
            config_sha256=predictor.config_sha256,
            site_offsets=site_offsets,
            site_offsets_sha256=site_offsets and file_sha256(site_offsets)))


def calibration_path(checkpoint: str, score: str, coverage: float) -> str:
    """Where a calibration goes by default: beside its checkpoint,
    ``<checkpoint stem>_calibration_<score>_<coverage>.json``.

    Args:
        checkpoint (str): The checkpoint calibrated.
        score (str): ``'radial'`` or ``'adaptive'``.
        coverage (float): Nominal coverage.

    Returns:
        str: The path.
    """
    return (f'{osp.splitext(checkpoint)[0]}_calibration_'
            f'{score}_{coverage:g}.json')


def calibrate_to_file(out: str,
                      config: str,
                      checkpoint: str,
                      split: str = 'cal',
                      ann_file: Optional[str] = None,
                      overwrite: bool = False,
                      **options) -> LandmarkCalibration:
    """Calibrates (:func:`calibrate`) and writes the calibration to
    ``out``, atomically, holding a lock on it meanwhile: of two runs to
    one file, the second is refused rather than both saying 'written'
    with one file lost.

    Args:
        out (str): The JSON file to write (see :func:`calibration_path`).
        config (str): The model's config.
        checkpoint (str): Its checkpoint.
        split (str): The split: ``<split>.json`` beside the config's val
            annotation file, unless ``ann_file`` is given.
        ann_file (str, optional): The split's annotation file, given; it
            stands for itself (the record names its file, not ``split``).
        overwrite (bool): Replace an existing ``out``.
        **options: The other arguments of :func:`calibrate`.

    Returns:
        LandmarkCalibration: What was written.

    Raises:
        FileExistsError: If ``out`` exists, unless ``overwrite``.
        OutputLockedError: If another run is writing it.
        ValueError, FileNotFoundError: As :func:`calibrate`, before
            anything is written.
    """
    if ann_file:
        split = osp.splitext(osp.basename(ann_file))[0]
    else:
        cfg = load_config(config, options.get('cfg_options'))
        ann_file = split_ann_file(cfg, split)
    with output_lock(out):
        check_outputs_free([out], overwrite)
        calibration = calibrate(config, checkpoint, ann_file, split, **options)
        calibration.save(out)
    return calibration
