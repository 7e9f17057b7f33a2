"""A top-down estimator whose landmarks are refined at full resolution."""
import os.path as osp
from typing import Callable, List, Optional

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.runner.checkpoint import _load_checkpoint
from mmengine.structures import PixelData
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS

from ...utils import (CheckpointMismatchError, ConfigError,
                      UnsafeCheckpointError)


@MODELS.register_module()
class RefinedTopdownPoseEstimator(TopdownPoseEstimator):
    """A coarse top-down model (backbone, neck, heatmap head: HYATT-Net or
    any other) followed by a :class:`.PatchRefinementHead` that finds each
    landmark again in a full-resolution patch around the coarse estimate.

    One model, one checkpoint: ``test.py``, ``predict.py`` and the other
    tools take it as any model. It is trained in two steps: the coarse
    model by its own config, then this one, which loads the coarse weights
    from ``coarse_checkpoint``, keeps them frozen and trains only the
    refinement; the checkpoint it writes holds both.

    The pipeline must carry the full-resolution grey image into the data
    samples' metainfo as ``full_image`` (``StoreFullImage`` before
    ``TopdownAffine``, and ``'full_image'`` in ``PackPoseInputs``'s
    ``meta_keys``); it is dropped from the samples once used, so that
    evaluators do not hold every image.

    Predictions add ``pred_instances.refined`` ``(1, K)`` (False: the
    refinement refused the patch and the coarse position was kept) and,
    with ``test_cfg['output_heatmaps']``, the refinement's own heatmaps
    ``(K, P, P)`` in ``pred_fields.heatmaps`` with the image region they
    span in metainfo ``heatmap_region`` ``(w, h)``, image pixels (so
    conformal radii take the refinement's spread); a landmark whose
    refinement was refused gets the coarse model's heatmap read on its
    patch's grid instead (``coarse_on_patches``), as its position is
    the coarse one.

    Args:
        backbone (dict): The coarse model's backbone config.
        refiner (dict): The :class:`.PatchRefinementHead` config.
        neck (dict, optional): Its neck config.
        head (dict, optional): Its heatmap head config.
        coarse_checkpoint (str, optional): The coarse model's checkpoint,
            loaded before training (required then); a checkpoint of this
            model, as test and predict load, needs none.
        train_cfg (dict, optional): As mmpose's ``TopdownPoseEstimator``.
        test_cfg (dict, optional): As mmpose's, for the coarse stage
            (``flip_test``, ``output_heatmaps``).
        data_preprocessor (dict, optional): As mmpose's.
        init_cfg (dict, optional): As mmpose's.
        metainfo (dict, optional): As mmpose's.

    Raises:
        ConfigError: At the start of training without ``coarse_checkpoint``
            or with a file that is not there; in training or prediction,
            for a sample without ``full_image``.
        CheckpointMismatchError: At the start of training, for a
            checkpoint that is not of this coarse model.
        UnsafeCheckpointError: For a file that is no checkpoint, or one
            that would run code.
    """

    def __init__(self,
                 backbone: dict,
                 refiner: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 coarse_checkpoint: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 metainfo: Optional[dict] = None):
        super().__init__(backbone, neck, head, train_cfg, test_cfg,
                         data_preprocessor, init_cfg, metainfo)
        self.refiner = MODELS.build(refiner)
        self.coarse_checkpoint = coarse_checkpoint
        for module in self.coarse_modules():
            module.requires_grad_(False)

    def coarse_modules(self) -> List[torch.nn.Module]:
        """The frozen coarse model's modules: backbone, neck (if any),
        head."""
        return [
            m for m in (self.backbone, getattr(self, 'neck', None), self.head)
            if m is not None
        ]

    def init_weights(self):
        """Loads the coarse model (its backbone, neck and head keys; of a
        coarse checkpoint, or of a refined one, as site adaptation gives)."""
        super().init_weights()
        if self.coarse_checkpoint is None:
            raise ConfigError(
                'RefinedTopdownPoseEstimator trains the refinement on a '
                'trained coarse model: give its checkpoint, e.g. '
                '--cfg-options model.coarse_checkpoint=work_dirs/coarse/'
                'best_MRE_epoch_40.pth')
        if not osp.isfile(self.coarse_checkpoint):
            raise ConfigError(
                f'model.coarse_checkpoint={self.coarse_checkpoint}: no such '
                'file; give the checkpoint that training the coarse config '
                'wrote')
        try:
            state = _load_checkpoint(
                self.coarse_checkpoint, map_location='cpu')
        except UnsafeCheckpointError:
            raise  # it names the file and why
        except Exception as err:  # a truncated zip, say
            raise ConfigError(
                f'model.coarse_checkpoint={self.coarse_checkpoint}: not a '
                f'readable checkpoint ({type(err).__name__}: {err}); give '
                'the .pth file that training the coarse config wrote') from err
        state = state.get('state_dict', state)
        coarse = {
            k: v
            for k, v in state.items()
            if not k.startswith(('refiner.', 'data_preprocessor.'))
        }
        own = {
            k: v
            for k, v in self.state_dict().items()
            if not k.startswith('refiner.')
        }
        wrong = [
            k for k, v in own.items()
            if k not in coarse or coarse[k].shape != v.shape
        ]
        if wrong:
            raise CheckpointMismatchError(
                f'{self.coarse_checkpoint}: not a checkpoint of this '
                f'config\'s coarse model (missing or of another shape: '
                f'{wrong[:3]}); train the coarse config first and give its '
                'checkpoint')
        # checked above; module by module, so that the refinement keeps
        # its own initialisation without a warning of missing keys
        for name, module in self.named_children():
            if module in self.coarse_modules():
                module.load_state_dict({
                    k[len(name) + 1:]: coarse[k]
                    for k in own if k.startswith(name + '.')
                })

    def train(self, mode: bool = True):
        """Keeps the frozen coarse model in eval mode (its batch-norm
        statistics and drop-path) while the refinement trains."""
        super().train(mode)
        for module in self.coarse_modules():
            module.eval()
        return self

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        """The refinement's loss on patches around the ground truth (the
        coarse model is not run: its weights are fixed).

        Args:
            inputs (Tensor): ``(N, 3, H, W)`` the coarse inputs (unused by
                the refinement, which cuts its patches from the full
                image).
            data_samples (list): mmpose ``PoseDataSample`` s with
                ``full_image`` in their metainfo and ``gt_instances``.

        Returns:
            dict: ``loss_refine``.
        """
        pixels = [self._patch_pixel(s) for s in data_samples]
        images = [_full_image(s) for s in data_samples]
        keypoints = [s.gt_instances.keypoints[0] for s in data_samples]
        visible = [s.gt_instances.keypoints_visible[0] for s in data_samples]
        return self.refiner.loss(images, keypoints, visible, pixels)

    def _patch_pixel(self, sample) -> np.ndarray:
        """Image pixels per patch pixel ``(x, y)`` for a sample's
        framing."""
        return self.refiner.patch_pixel(sample.metainfo['input_scale'],
                                        sample.metainfo['input_size'])

    def predict(self, inputs: torch.Tensor, data_samples):
        """Coarse prediction, then each landmark refined (see the class).

        Args:
            inputs (Tensor): ``(N, 3, H, W)`` the coarse inputs.
            data_samples (list): mmpose ``PoseDataSample`` s with
                ``full_image`` in their metainfo.

        Returns:
            list: The samples with ``pred_instances`` in image pixels.
        """
        return self.refine_samples(super().predict(inputs, data_samples))

    def refine_samples(self, samples, run: Optional[Callable] = None):
        """Refines the coarse predictions of data samples in place.

        Args:
            samples (list): mmpose ``PoseDataSample`` s with coarse
                ``pred_instances`` in image pixels and ``full_image`` in
                their metainfo (removed here).
            run (Callable, optional): The refinement network's runner (see
                :meth:`.PatchRefinementHead.refine`).

        Returns:
            list: ``samples``.
        """
        with_heatmaps = self.test_cfg.get('output_heatmaps', False)
        for sample in samples:
            image = _full_image(sample)
            sample.pop('full_image')
            coarse = np.asarray(sample.pred_instances.keypoints)[0]
            out = self.refiner.refine(image, coarse, self._patch_pixel(sample),
                                      run)
            # a landmark without a coarse peak keeps the no-peak marker
            no_peak = ~(
                np.asarray(sample.pred_instances.keypoint_scores)[0] > 0)
            out['keypoints'][no_peak] = coarse[no_peak]
            out['refined'] &= ~no_peak
            keypoints = np.array(sample.pred_instances.keypoints, copy=True)
            keypoints[0] = out['keypoints']
            sample.pred_instances.keypoints = keypoints
            sample.pred_instances.refined = out['refined'][None]
            if with_heatmaps:
                heatmaps = torch.from_numpy(out['heatmaps'])
                kept = ~out['refined']
                if kept.any():
                    heatmaps[kept] = coarse_on_patches(
                        sample.pred_fields.heatmaps[kept], out['grid'][kept],
                        sample.metainfo)
                sample.pred_fields = PixelData(heatmaps=heatmaps)
                sample.set_metainfo(dict(heatmap_region=out['region']))
        return samples


def coarse_on_patches(heatmaps: torch.Tensor, grid: np.ndarray,
                      metainfo: dict) -> torch.Tensor:
    """The coarse model's heatmaps read at the patch pixels (bilinear), so
    that a landmark whose refinement was refused keeps the coarse model's
    spread, measured on the same patch grid as the refined ones'.

    Args:
        heatmaps (Tensor): ``(M, h, w)`` coarse heatmaps of the framed
            region (``input_center``, ``input_scale`` in ``metainfo``).
        grid (np.ndarray): ``(M, P, P, 2)`` image points of the patch
            pixels.
        metainfo (dict): The sample's metainfo.

    Returns:
        Tensor: ``(M, P, P)``.
    """
    heatmaps = heatmaps.detach().cpu()
    _, h, w = heatmaps.shape
    center = np.asarray(metainfo['input_center'], np.float64)
    scale = np.asarray(metainfo['input_scale'], np.float64)
    # image to heatmap pixels as mmpose maps heatmap peaks to the image
    # (no half-pixel shift), then to grid_sample's [-1, 1] (corner centres)
    where = (grid - center + scale / 2) / scale * [w, h]
    where = where / [max(w - 1, 1), max(h - 1, 1)] * 2 - 1
    sampled = F.grid_sample(
        heatmaps[:, None].float(),
        torch.from_numpy(where).float(),
        mode='bilinear',
        padding_mode='zeros',
        align_corners=True)
    return sampled[:, 0]


def _full_image(sample) -> np.ndarray:
    """The full-resolution grey image a sample carries.

    Args:
        sample (PoseDataSample): A sample of a refined config's pipeline.

    Returns:
        np.ndarray: ``(H, W)`` the image, as ``StoreFullImage`` stored it.

    Raises:
        ConfigError: If the sample has none (naming the image and the fix).
    """
    if 'full_image' not in sample:
        raise ConfigError(
            f"{sample.metainfo.get('img_path')}: the sample has no "
            "'full_image', which the refinement cuts its patches from; a "
            "refined config's pipeline stores it: StoreFullImage before "
            "TopdownAffine, and 'full_image' in PackPoseInputs' meta_keys "
            '(as configs/hyatt_cephalometric_cpu-256x320_refined.py does)')
    return sample.metainfo['full_image']
