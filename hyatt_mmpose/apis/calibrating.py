"""Conformal calibration of a trained model on a held-out split.

    python tools/calibrate.py CONFIG CKPT --split cal --coverage 0.95

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
from mmengine.config import Config

from ..analysis import landmark_indices, measure
from ..calibration import SCORES, LandmarkCalibration
from ..utils.file_hash import file_sha256
from ..utils.output_lock import output_lock
from ..utils.overwrite_guard import check_outputs_free
from .annotated_splits import (check_distinct, check_spacing, check_unseen,
                               image_digests, image_properties, offsets_images,
                               predict_split, read_split, seen_images,
                               split_ann_file)
from .command_line import add_run_options, load_config, model_parser
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
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    infos, info = read_split(cfg, ann_file, data_root)
    check_spacing(infos, ann_file, 'conformal radii are in mm')
    check_distinct(infos, ann_file)
    predictor = LandmarkPredictor(
        cfg,
        checkpoint,
        device,
        batch_size,
        with_spread=True,
        site_offsets=site_offsets)
    seen = seen_images(cfg, predictor.checkpoint_meta, checkpoint)
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
            checkpoint_sha256=file_sha256(checkpoint),
            site_offsets=site_offsets,
            site_offsets_sha256=site_offsets and file_sha256(site_offsets)))


def main(argv: Optional[Sequence[str]] = None) -> LandmarkCalibration:
    """``tools/calibrate.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        LandmarkCalibration: What was written.

    Raises:
        FileExistsError: If the output exists, unless ``--overwrite``.
        OutputLockedError: If another run is writing it.
        FileNotFoundError: If the split has no annotation file.
        ValueError: If the split shares images with training or val data.
    """
    parser = model_parser(__doc__)
    parser.add_argument(
        '--split',
        default='cal',
        help='the split: SPLIT.json beside the val annotation file')
    parser.add_argument('--ann-file', help='the split\'s file, given')
    parser.add_argument('--coverage', type=float, default=0.95)
    parser.add_argument('--score', default='adaptive', choices=SCORES)
    parser.add_argument('--out', help='default: beside the checkpoint')
    parser.add_argument(
        '--data-root',
        help='the folder the split\'s image names are relative to; '
        'default the config\'s data_root')
    parser.add_argument(
        '--site-offsets',
        help='a file of tools/adapt.py, applied before scoring (the radii '
        'then go with it)')
    parser.add_argument(
        '--site', help='the site the radii hold for (for the record)')
    parser.add_argument('--overwrite', action='store_true')
    parser.add_argument('--batch-size', type=int, default=8)
    add_run_options(parser)
    args = parser.parse_args(argv)
    if not 0 < args.coverage < 1:
        parser.error(f'--coverage must lie in (0, 1), got {args.coverage}')
    cfg = load_config(args)
    ann_file = args.ann_file or split_ann_file(cfg, args.split)
    out = args.out or (f'{osp.splitext(args.checkpoint)[0]}_calibration_'
                       f'{args.score}_{args.coverage:g}.json')
    # a file given stands for itself, not for --split
    split = osp.splitext(osp.basename(args.ann_file))[0] \
        if args.ann_file else args.split
    # one run per output: two would each say 'written', one file lost
    with output_lock(out):
        check_outputs_free([out], args.overwrite)
        calibration = calibrate(args.config, args.checkpoint, ann_file, split,
                                args.coverage, args.score, args.cfg_options,
                                args.device, args.batch_size, args.site,
                                args.data_root, args.site_offsets)
        calibration.save(out)
    unit = 'mm' if args.score == 'radial' else 'x spread'
    print(f'{calibration.n} images of {ann_file}, {args.coverage:.0%} '
          f'coverage, score {args.score}; thresholds ({unit}):')
    for name, t in zip(calibration.names, calibration.thresholds):
        print(f'  {name:<28}{t:8.3f}')
    if calibration.measurement_margins:
        print('measurement margins: ' +
              ', '.join(f'{m} {v:.2f}'
                        for m, v in calibration.measurement_margins.items()))
    if calibration.shortfall():
        print('warning: ' + calibration.shortfall())
    print(f'written: {out}')
    return calibration
