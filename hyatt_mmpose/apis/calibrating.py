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
import argparse
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS

from ..analysis import landmark_indices, measure
from ..calibration import SCORES, LandmarkCalibration
from ..datasets.converters import read_json
from ..evaluation.functional import landmark_errors
from ..utils.overwrite_guard import check_outputs_free
from .landmark_predictor import LandmarkPredictor


def split_ann_file(cfg: Config, split: str) -> str:
    """``<split>.json`` beside the config's val annotation file."""
    dataset = cfg.val_dataloader.dataset
    return osp.join(
        dataset.get('data_root', ''), osp.dirname(dataset.ann_file),
        f'{split}.json')


def read_split(cfg: Config, ann_file: str) -> Tuple[List[dict], dict]:
    """The ground truth of an annotation file, read by the config's val
    dataset class.

    Args:
        cfg (Config): The model's config.
        ann_file (str): The split's annotation file.

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


def check_held_out(cfg: Config, infos: Sequence[dict], ann_file: str) -> None:
    """Refuses a split that shares images with the training or val data.

    Raises:
        ValueError: naming the first shared image and both files.
    """
    held_out = {osp.realpath(i['img_path']): i['img_path'] for i in infos}
    for loader in ('train_dataloader', 'val_dataloader'):
        dataset = cfg[loader].dataset
        path = osp.join(dataset.get('data_root', ''), dataset.ann_file)
        if not osp.isfile(path):
            continue
        used, _ = read_split(cfg, path)
        shared = [
            held_out[p] for p in (osp.realpath(u['img_path']) for u in used)
            if p in held_out
        ]
        if shared:
            raise ValueError(
                f'{ann_file}: {len(shared)} image(s), e.g. {shared[0]}, are '
                f'also in {path} ({loader}); calibrate on images the model '
                'was neither trained nor selected on')


def predict_split(predictor: LandmarkPredictor,
                  infos: Sequence[dict]) -> Dict[str, np.ndarray]:
    """Predicts a split and scores it against its ground truth.

    Args:
        predictor (LandmarkPredictor): Made with ``with_spread=True`` or a
            calibration.
        infos (Sequence[dict]): As :func:`read_split` returns.

    Returns:
        dict: ``errors_mm`` and ``spreads_mm`` ``(n, K)`` (NaN where not
        annotated), ``pred_px`` and ``gt_px`` ``(n, K, 2)``, ``spacing``
        ``(n, 2)``, and ``radius_mm`` ``(n, K)`` with a calibration.

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
        spreads_mm=np.stack([r['spread_mm'] for r in results]),
        errors_mm=np.stack([
            landmark_errors(r['landmarks_px'], i['keypoints'], i['visible'],
                            r['pixel_spacing'])
            for r, i in zip(results, infos)
        ]))
    if predictor.calibration is not None:
        out['radius_mm'] = np.stack([r['radius_mm'] for r in results])
    return out


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
              batch_size: int = 8) -> LandmarkCalibration:
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

    Returns:
        LandmarkCalibration: The thresholds and their record.

    Raises:
        ValueError: If the split shares images with training or val data.
    """
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    infos, info = read_split(cfg, ann_file)
    check_held_out(cfg, infos, ann_file)
    predictor = LandmarkPredictor(
        cfg, checkpoint, device, batch_size, with_spread=True)
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
            ground_truth=info.get('ground_truth', 'not recorded'),
            site=info.get('site', info.get('dataset', 'not recorded')),
            config=config,
            checkpoint=checkpoint))


def main(argv: Optional[Sequence[str]] = None) -> LandmarkCalibration:
    """``tools/calibrate.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        LandmarkCalibration: What was written.

    Raises:
        FileExistsError: If the output exists, unless ``--overwrite``.
        FileNotFoundError: If the split has no annotation file.
        ValueError: If the split shares images with training or val data.
    """
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--split',
        default='cal',
        help='the split: SPLIT.json beside the val annotation file')
    parser.add_argument('--ann-file', help='the split\'s file, given')
    parser.add_argument('--coverage', type=float, default=0.95)
    parser.add_argument('--score', default='adaptive', choices=SCORES)
    parser.add_argument('--out', help='default: beside the checkpoint')
    parser.add_argument('--overwrite', action='store_true')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='the overrides the model was trained with, key=value')
    args = parser.parse_args(argv)
    if not 0 < args.coverage < 1:
        parser.error(f'--coverage must lie in (0, 1), got {args.coverage}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    ann_file = args.ann_file or split_ann_file(cfg, args.split)
    out = args.out or (f'{osp.splitext(args.checkpoint)[0]}_calibration_'
                       f'{args.score}_{args.coverage:g}.json')
    check_outputs_free([out], args.overwrite)
    calibration = calibrate(args.config, args.checkpoint, ann_file, args.split,
                            args.coverage, args.score, args.cfg_options,
                            args.device, args.batch_size)
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
