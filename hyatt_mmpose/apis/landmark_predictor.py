import copy
from functools import cached_property
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.structures import PixelData

from ..adaptation import SiteOffsets, SiteOffsetsError
from ..calibration import (CalibrationError, LandmarkCalibration,
                           heatmap_region, spread_mm)
from ..datasets import parse_pixel_spacing
from ..datasets.framing import whole_image_bbox
from ..datasets.image_io import RadiographImage, as_bgr_uint8, read_radiograph
from ..utils import ConfigError, file_sha256, load_checkpoint_strict
from ..utils.config_digest import prediction_config_sha256
from ..utils.config_loading import load_config
from .inference_model import build_inference_model
from .landmark_checks import LARGE_RADIUS, NOT_REFINED, landmark_flags
from .onnx_export import (CHECKPOINT_SHA256, recorded_refiner_patch,
                          refiner_patch, refiner_session)

ImageInput = Union[str, np.ndarray, RadiographImage]


class LandmarkPredictor:
    """Landmarks on new images with a trained model: built as mmpose's
    ``init_model`` builds it (:func:`build_inference_model`), loaded
    strictly, run through its public ``test_step`` (mmpose's human-pose
    inferencers are not used: the whole image is the instance).

    Args:
        config (str | Config): The model's config.
        checkpoint (str): Its checkpoint (loaded with the safe loader), or
            with ``backend='onnxruntime'`` the ``.onnx`` file that
            ``tools/deployment/export_onnx.py`` wrote.
        device (str): ``'cpu'`` or ``'cuda'``.
        batch_size (int): Images per forward pass.
        backend (str): ``'pytorch'`` or ``'onnxruntime'``; decoding and the
            mapping back to image pixels are the same for both.
        calibration (str, optional): A file of ``tools/calibrate.py``:
            each landmark then gets a conformal radius (see ``predict``).
        max_radius_mm (float, optional): With ``calibration``, flag
            landmarks whose radius is larger (``'large_radius'``).
        with_spread (bool): Report each landmark's heatmap spread in mm
            even without ``calibration`` (calibrating needs it).
        site_offsets (str, optional): A file of ``tools/adapt.py``: each
            landmark is shifted by its site's offset in mm (images without
            a spacing are left as they are, with a warning).

    Raises:
        CalibrationError: If ``calibration`` cannot be read or was made
            for other landmarks.
        SiteOffsetsError: The same for ``site_offsets``.
        CheckpointMismatchError: If the checkpoint does not fit the
            config's model.
        UnsafeCheckpointError: If ``checkpoint`` is no PyTorch checkpoint
            (with the PyTorch backend) or holds objects other than tensors
            and plain data.
        ValueError: If an ONNX file and the config disagree on the
            refinement stage.
        ConfigError: If there is no such config file, or neither the
            checkpoint nor the config's training dataset names the
            landmarks.

    Example:
        >>> predictor = LandmarkPredictor('configs/hyatt_cephalometric.py',
        ...                               'best.pth')
        >>> result = predictor.predict('ceph.png', pixel_spacing=0.1)[0]
        >>> result['landmarks_mm']  # (K, 2)
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: str,
                 device: str = 'cpu',
                 batch_size: int = 8,
                 backend: str = 'pytorch',
                 calibration: Optional[str] = None,
                 max_radius_mm: Optional[float] = None,
                 with_spread: bool = False,
                 site_offsets: Optional[str] = None):
        import hyatt_mmpose  # noqa: F401  (registers our components)
        if backend not in ('pytorch', 'onnxruntime'):
            raise ValueError(f'backend must be "pytorch" or "onnxruntime", '
                             f'got "{backend}"')
        # the model's building edits the config it is given: keep the
        # caller's
        cfg = load_config(config) if isinstance(config, str) else \
            copy.deepcopy(config)
        # before the model's building, which edits the config
        self.config_sha256 = prediction_config_sha256(cfg)
        self.model = build_inference_model(cfg, device)
        self.session = self.refiner_session = None
        if backend == 'onnxruntime':
            import onnxruntime as ort
            self.session = ort.InferenceSession(
                checkpoint, providers=['CPUExecutionProvider'])
            self.refiner_session = refiner_session(self.session)
            refined = hasattr(self.model, 'refiner')
            if refined != (self.refiner_session is not None):
                what = ('an ONNX file without the refinement stage, for a '
                        'refined config' if refined else
                        'an ONNX file of a refined model, for a config '
                        'without refinement')
                raise ValueError(
                    f'{checkpoint}: {what} ({cfg.filename}); export the '
                    'checkpoint of this config with '
                    'tools/deployment/export_onnx.py')
            if refined:
                ours = refiner_patch(self.model.refiner)
                recorded = recorded_refiner_patch(self.session)
                if recorded != ours:
                    raise ValueError(
                        f'{checkpoint}: its refinement cuts patches of '
                        f'{recorded}, the config {cfg.filename} of {ours} '
                        '(model.refiner); use the config it was exported '
                        'from, or export again')
            ckpt = {}
        else:
            ckpt = load_checkpoint_strict(self.model, checkpoint, cfg.filename)
        self.checkpoint = checkpoint
        self.config_file = config if isinstance(config, str) else \
            cfg.filename
        self.batch_size = batch_size
        # what the checkpoint says of itself (e.g. the record of a site
        # adaptation), empty for ONNX
        self.checkpoint_meta = dict(ckpt.get('meta') or {})
        # the checkpoint's landmark names, else the config's dataset's
        meta = self.checkpoint_meta.get('dataset_meta') or \
            self.model.dataset_meta
        if meta is None:
            raise ConfigError(
                f'{self.config_file}: no landmark names: its '
                'train_dataloader.dataset names no dataset with metainfo, '
                f'nor does the checkpoint {checkpoint}; give that dataset '
                'its type or metainfo in the config')
        self.names = [
            meta['keypoint_id2name'][i] for i in range(meta['num_keypoints'])
        ]
        self.model.dataset_meta = meta
        dataset_cfg = cfg.val_dataloader.dataset
        self.pipeline = Compose(dataset_cfg.pipeline)
        if max_radius_mm is not None and calibration is None:
            raise ValueError('max_radius_mm needs a calibration file')
        self.calibration = None
        if calibration is not None:
            self.calibration = LandmarkCalibration.load(calibration)
            self.calibration.check_names(self.names, calibration)
            self._check_calibrated_with(calibration, site_offsets)
        self.max_radius_mm = max_radius_mm
        self.site_offsets = None
        if site_offsets is not None:
            self.site_offsets = SiteOffsets.load(site_offsets)
            self.site_offsets.check_names(self.names, site_offsets)
            self._check_same_model(
                site_offsets, self.site_offsets.record, 'base_checkpoint',
                'estimated for', SiteOffsetsError,
                'estimate offsets for this model (tools/adapt.py '
                '--offsets-only)')
        self.with_spread = with_spread or calibration is not None
        # the spread is read from the finest level's heatmaps
        self.model.test_cfg['output_heatmaps'] = self.with_spread

    @cached_property
    def checkpoint_sha256(self) -> Optional[str]:
        """The SHA-256 of the checkpoint's bytes; for an ONNX file, of the
        checkpoint it was exported from, as it records (None if it does
        not). Computed when first asked for."""
        if self.session is not None:
            return self.session.get_modelmeta().custom_metadata_map.get(
                CHECKPOINT_SHA256)
        return file_sha256(self.checkpoint)

    @cached_property
    def model_identity(self) -> dict:
        """The identity of the model that predicts, a dict of ``config``
        (its file, None for a config made in code), ``config_sha256`` (of
        the prediction config, ``prediction_config_sha256``),
        ``checkpoint``, ``checkpoint_sha256`` (see
        :attr:`checkpoint_sha256`) and ``backend``. Every result carries it
        as ``model``, so that a record says what wrote it."""
        return dict(
            config=self.config_file,
            config_sha256=self.config_sha256,
            checkpoint=self.checkpoint,
            checkpoint_sha256=self.checkpoint_sha256,
            backend='onnxruntime' if self.session is not None else 'pytorch')

    def _check_calibrated_with(self, path: str,
                               site_offsets: Optional[str]) -> None:
        """Refuses radii calibrated on another model (checkpoint or
        prediction config) or other site offsets.

        Raises:
            CalibrationError: Naming ``path`` and the fix.
        """
        record = self.calibration.record
        self._check_same_model(path, record, 'checkpoint', 'calibrated on',
                               CalibrationError,
                               'calibrate this model (tools/calibrate.py)')
        given = site_offsets and file_sha256(site_offsets)
        if given != record.get('site_offsets_sha256'):
            raise CalibrationError(
                f'{path}: calibrated with site offsets '
                f'{record.get("site_offsets")}, predicting with '
                f'{site_offsets}; the radii hold for the predictions they '
                'were calibrated on: calibrate with --site-offsets as you '
                'predict')

    def _check_same_model(self, path: str, record: dict, key: str, verb: str,
                          error: type, fix: str) -> None:
        """:func:`check_made_for` this model."""
        check_made_for(path, record, key, self.checkpoint,
                       self.checkpoint_sha256, self.config_sha256, verb, error,
                       fix)

    def predict(self,
                images: Union[ImageInput, Sequence[ImageInput]],
                pixel_spacing: Union[float, Sequence[float], None] = None,
                pixel_spacings: Optional[Sequence] = None) -> List[dict]:
        """Landmarks of each image.

        Args:
            images: A path (PNG, JPEG, BMP, TIFF of 8 or 16 bits, DICOM), a
                ``(H, W[, 3])`` BGR uint8 array, or a :class:`.RadiographImage`
                already read (its spacing is used), or a list of them.
            pixel_spacing: mm per pixel for every image: a number, or
                ``[x, y]``.
            pixel_spacings (Sequence, optional): One entry per image instead
                (each None, a number or ``[x, y]``); not with
                ``pixel_spacing``.

        Returns:
            list[dict]: per image, ``landmarks_px`` ``(K, 2)`` in original
            pixels, ``landmarks_mm`` (or None without spacing), ``scores``
            ``(K,)`` (the heatmap peaks; of the coarse stage for a refined
            model), ``flags`` (per landmark, why not to trust it:
            ``'outside_image'``, ``'no_peak'``, see :func:`landmark_flags`;
            ``'not_refined'`` where a refined model kept the coarse
            position), ``names``, ``pixel_spacing``,
            ``spacing_source`` (``'given'``, the DICOM tags it was read from,
            or None), ``warnings`` (about the file's spacing tags) and
            ``image_path`` (None for arrays), ``model`` (a copy of
            :attr:`model_identity`). A spacing given here overrides
            the file's. With a spread or a calibration, also ``spread_mm``
            ``(K,)`` (see :func:`.spread_mm`); with a calibration,
            ``radius_mm`` ``(K,)`` (the true point lies within it with the
            calibration's ``coverage``; ``inf`` if it had too few images)
            and ``radius_px`` ``(K, 2)`` (along x and y, for drawing), None
            without a spacing, and the flag ``'large_radius'`` on those above
            ``max_radius_mm``.

        Raises:
            ValueError: a spacing that is not a positive number or ``[x, y]``,
                or ``pixel_spacings`` without one entry per image.
        """
        single = isinstance(images, (str, np.ndarray, RadiographImage))
        images = [images] if single else list(images)
        if pixel_spacings is not None:
            if pixel_spacing is not None:
                raise ValueError('give pixel_spacing (for every image) or '
                                 'pixel_spacings (one per image), not both')
            if len(pixel_spacings) != len(images):
                raise ValueError(
                    f'pixel_spacings has {len(pixel_spacings)} entries for '
                    f'{len(images)} images; give one per image (None for '
                    "the file's own)")
            spacings = list(pixel_spacings)
        else:
            spacings = [pixel_spacing] * len(images)
        # checked (and made [x, y]) before any work, every image alike
        spacings = [
            None if spacing is None else parse_pixel_spacing(
                spacing, f'pixel spacing of image {i} given to predict '
                '(use pixel_spacings for one per image)')
            for i, spacing in enumerate(spacings)
        ]
        results = []
        for start in range(0, len(images), self.batch_size):
            chunk = images[start:start + self.batch_size]
            results += self._predict_batch(
                chunk, spacings[start:start + self.batch_size])
        for result in results:
            result['model'] = dict(self.model_identity)
        return results

    @staticmethod
    def _as_radiograph(image: ImageInput) -> RadiographImage:
        """A path is read; an array follows the same pixel rules."""
        if isinstance(image, str):
            return read_radiograph(image)
        if isinstance(image, RadiographImage):
            return image
        return RadiographImage(as_bgr_uint8(image, 'array'))

    def _run_session(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        levels = self.session.run(None, {'inputs': inputs.cpu().numpy()})
        return [torch.from_numpy(h) for h in levels]

    def _run_refiner(self, patches: torch.Tensor) -> torch.Tensor:
        out, = self.refiner_session.run(None,
                                        {'patches': patches.cpu().numpy()})
        return torch.from_numpy(out)

    @torch.no_grad()
    def _predict_batch(self, images, spacings) -> List[dict]:
        radiographs = [self._as_radiograph(image) for image in images]
        data = []
        for image, radiograph in zip(images, radiographs):
            h, w = radiograph.image.shape[:2]
            data.append(
                self.pipeline(
                    dict(
                        img=radiograph.image,
                        img_path=image if isinstance(image, str) else None,
                        bbox=whole_image_bbox(w, h),
                        bbox_score=np.ones(1, dtype=np.float32))))
        if self.session is None:
            samples = self.model.test_step(pseudo_collate(data))
        else:
            batch = self.model.data_preprocessor(pseudo_collate(data), False)
            levels = self._run_session(batch['inputs'])
            test_cfg = self.model.test_cfg
            if test_cfg.get('flip_test', False):
                levels = self.model.head.flip_average(
                    levels, self._run_session(batch['inputs'].flip(-1)),
                    test_cfg.get('shift_heatmap', False))
            preds = self.model.head.decode(levels)
            fields = [
                PixelData(heatmaps=h)
                for h in levels[self.model.head.finest_level]
            ] if self.with_spread else None
            samples = self.model.add_pred_to_datasample(
                preds, fields, batch['data_samples'])
            if self.refiner_session is not None:
                samples = self.model.refine_samples(samples, self._run_refiner)
        results = []
        for image, radiograph, spacing, sample in zip(images, radiographs,
                                                      spacings, samples):
            px = np.asarray(sample.pred_instances.keypoints)[0]
            if spacing is not None:
                source = 'given'
            else:
                spacing = radiograph.pixel_spacing
                source = radiograph.spacing_source
            warnings = [] if source == 'given' else list(radiograph.warnings)
            if self.site_offsets is not None:
                if spacing is None:
                    warnings.append('site offsets not applied: they are in '
                                    'mm and the image has no pixel spacing')
                else:
                    px = self.site_offsets.apply(px, spacing)
            if self.calibration is not None and spacing is None:
                warnings.append('no conformal radii: they are in mm and the '
                                'image has no pixel spacing (give one)')
            elif self.calibration is not None:
                outside = self.calibration.image_warning(
                    spacing, radiograph.image.shape[:2])
                warnings += [outside] if outside else []
            scores = np.asarray(sample.pred_instances.keypoint_scores)[0]
            flags = landmark_flags(px, scores, radiograph.image.shape[:2])
            refined = sample.pred_instances.get('refined')
            if refined is not None:
                for flag, ok in zip(flags, np.asarray(refined)[0]):
                    if not ok:
                        flag.append(NOT_REFINED)
            extra = self._uncertainty(sample, spacing, flags)
            results.append(
                dict(
                    image_path=image if isinstance(image, str) else None,
                    names=list(self.names),
                    landmarks_px=px,
                    landmarks_mm=None if spacing is None else px * spacing,
                    scores=scores,
                    flags=flags,
                    pixel_spacing=spacing,
                    spacing_source=source,
                    # a spacing given here replaces the file's tags
                    warnings=warnings,
                    **extra))
        return results

    def _uncertainty(self, sample, spacing, flags: List[List[str]]) -> dict:
        """``spread_mm``, and with a calibration the radii (adding the
        ``'large_radius'`` flag to ``flags``)."""
        if not self.with_spread:
            return {}
        spread = None
        if spacing is not None:
            spread = spread_mm(
                sample.pred_fields.heatmaps.cpu().numpy(),
                heatmap_region(sample.metainfo), spacing,
                self.calibration.peak_fraction if self.calibration else 0.25)
        if self.calibration is None:
            return dict(spread_mm=spread)
        radius = None if spread is None else self.calibration.radii_mm(spread)
        if radius is not None and self.max_radius_mm is not None:
            for flag, r in zip(flags, radius):
                if r > self.max_radius_mm:
                    flag.append(LARGE_RADIUS)
        return dict(
            spread_mm=spread,
            radius_mm=radius,
            radius_px=None if radius is None else radius[:, None] /
            np.asarray(spacing, np.float64),
            coverage=self.calibration.coverage)


def check_made_for(path: str, record: dict, key: str, checkpoint: str,
                   checkpoint_sha256: Optional[str], config_sha256: str,
                   verb: str, error: type, fix: str) -> None:
    """Refuses a file made for another model than this one: another
    checkpoint (an ONNX file stands for the checkpoint it was exported
    from) or another prediction config (input size, flip test,
    decoding; :func:`prediction_config_sha256`).

    Args:
        path (str): The file, for the messages.
        record (dict): Its record: ``key`` and ``key + '_sha256'``
            name the checkpoint, ``config`` and ``config_sha256`` the
            config.
        key (str): ``'checkpoint'`` or ``'base_checkpoint'``.
        checkpoint (str): The model's checkpoint (or ONNX file).
        checkpoint_sha256 (str, optional): Its SHA-256 (for ONNX, of the
            checkpoint it was exported from; None if it does not say).
        config_sha256 (str): :func:`prediction_config_sha256` of its
            config.
        verb (str): What was done for the model, e.g.
            ``'calibrated on'``.
        error (type): The exception to raise.
        fix (str): What to do instead.

    Raises:
        error: Naming both files and ``fix``; also where a fingerprint
            is missing, as the check cannot be made.
    """
    if checkpoint_sha256 is None:
        raise error(f'{checkpoint}: an ONNX file that does not record the '
                    f'checkpoint it was exported from, so {path} cannot be '
                    'checked against it; export it again with '
                    'tools/deployment/export_onnx.py')
    for name, ours, what in (
        (key, checkpoint_sha256, f'{checkpoint} (their bytes '
         'differ)'), ('config', config_sha256,
                      'this config (its model or test '
                      'pipeline differs: input size, flip test, decoding)')):
        recorded = record.get(f'{name}_sha256')
        if recorded is None:
            raise error(f'{path}: does not record the SHA-256 of the '
                        f'{name.replace("_", " ")} it was {verb}; {fix}')
        if recorded != ours:
            raise error(f'{path}: {verb} {record.get(name)}, not on '
                        f'{what}; {fix}')
