"""The refinement stage: each landmark found again in a patch of the
full-resolution image around the coarse model's estimate."""
import math
from typing import Callable, Dict, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmengine.model import BaseModule
from mmpose.codecs.utils import get_heatmap_maximum, refine_keypoints_dark
from mmpose.registry import MODELS

from ..utils.patch_sampling import image_to_patch, sample_patches
from ..utils.patch_unet import PatchUNet


@MODELS.register_module()
class PatchRefinementHead(BaseModule):
    """Finds each landmark in a patch of the full-resolution radiograph
    around its coarse estimate, as the two-stage methods that lead ISBI 2015
    do (attention-guided two-stage U-Net, CEPHMark-Net), sized to train on
    a CPU.

    Design, for the data:

    - **Resolution.** A patch pixel is ``1 / zoom`` of the coarse model's
      input pixel (at the CPU preset's 256 x 320 framing of ISBI 2015,
      zoom 4 gives 0.24 mm, against the coarse 0.95 mm and the 0.1 mm of the
      annotation): fine enough that sub-pixel decoding is not the limit,
      coarse enough that a small patch holds the landmark's surroundings.
      The image is resized to that spacing by area averaging, once per
      image, then sampled bilinearly, so patches do not alias.
    - **Size.** ``patch_size`` patch pixels (64: 16 coarse pixels, 15 mm on
      ISBI 2015) reaches ``patch_size / 2 - border`` from the estimate,
      about 7 mm; the coarse CPU model's mean errors are 1.8-2.1 mm (2
      coarse pixels), and 90-95 % of its errors are within 4 mm
      (docs/results.md).
    - **One network for all landmarks**, one output channel per landmark
      (the channel of the patch's landmark is read, the others ignored):
      the landmarks share edges and textures, and one batch of K patches
      per image is the cheapest inference.
    - **Training patches** are drawn around the ground truth, offset by
      ``N(0, offset_sigma)`` coarse pixels per axis (wider than the coarse
      model's errors, so the refinement does not depend on one coarse
      model), turned by up to ``rotate_limit`` degrees, scaled by up to
      ``scale_limit`` and gamma-jittered; ``negative_prob`` of them are
      placed so that the landmark is outside, with a uniform target, which
      teaches the network to answer "not here" with a flat map.
    - **Loss.** Each landmark's map is a distribution over the patch's
      pixels (a softmax), trained by cross-entropy against the normalised
      target Gaussian: unlike a mean squared error against a 64 x 64 map
      that is nearly all zeros, it does not stall at predicting zeros,
      which matters at a CPU's few thousand steps. The score of a peak is
      its probability over the target's own peak probability
      (``1 / (2 pi sigma^2)``): 1 for a map as sharp as the target.
    - **Too far off.** Where the refined peak is below ``min_score`` or
      within ``border`` patch pixels of the patch's edge, the patch most
      likely does not hold the landmark: the coarse position is kept and
      the landmark flagged (``refined`` False).

    Each patch is standardised to zero mean and unit variance, so the stage
    does not depend on exposure or window.

    Args:
        num_keypoints (int): K, landmarks (output channels).
        patch_size (int): P, the patch side in patch pixels; divisible by
            ``2 ** (len(channels) - 1)``.
        zoom (float): Patch pixels per coarse input pixel.
        channels (Sequence[int]): Widths of the U-Net's levels.
        sigma (float): Target Gaussian's sigma, patch pixels.
        offset_sigma (float): Training offsets' sigma, coarse input px.
        negative_prob (float): Share of training patches without their
            landmark.
        rotate_limit (float): Training rotation, +- degrees.
        scale_limit (float): Training scale, ``1 +- scale_limit``.
        gamma_limit (float): Training gamma, ``1 +- gamma_limit``.
        min_score (float): Lowest refined peak accepted.
        border (int): Patch pixels at the edge where a peak is refused.
        loss_weight (float): Multiplies the cross-entropy.
        init_cfg (dict, optional): mmengine initialisation.
    """

    def __init__(self,
                 num_keypoints: int,
                 patch_size: int = 64,
                 zoom: float = 4.,
                 channels: Sequence[int] = (16, 32, 64, 128),
                 sigma: float = 2.,
                 offset_sigma: float = 2.,
                 negative_prob: float = 0.1,
                 rotate_limit: float = 15.,
                 scale_limit: float = 0.1,
                 gamma_limit: float = 0.3,
                 min_score: float = 0.1,
                 border: int = 2,
                 loss_weight: float = 1.,
                 init_cfg=None):
        super().__init__(init_cfg)
        if patch_size % 2**(len(channels) - 1):
            raise ValueError(f'patch_size {patch_size} must be divisible by '
                             f'2 ** {len(channels) - 1} (one halving per '
                             f'level of channels={tuple(channels)})')
        self.num_keypoints = num_keypoints
        self.patch_size = patch_size
        self.zoom = zoom
        self.sigma = sigma
        self.offset_sigma = offset_sigma
        self.negative_prob = negative_prob
        self.rotate_limit = rotate_limit
        self.scale_limit = scale_limit
        self.gamma_limit = gamma_limit
        self.min_score = min_score
        self.border = border
        self.loss_weight = loss_weight
        self.network = PatchUNet(1, num_keypoints, channels)

    def forward(self, patches: torch.Tensor) -> torch.Tensor:
        """``(M, 1, P, P)`` standardised patches to ``(M, K, P, P)``
        logits (a softmax over each map's pixels gives its distribution)."""
        return self.network(patches)

    @staticmethod
    def spatial_softmax(logits: torch.Tensor) -> torch.Tensor:
        """``(..., P, P)`` logits to distributions over the pixels."""
        shape = logits.shape
        return torch.softmax(logits.flatten(-2), -1).view(shape)

    def patch_pixel(self, input_scale: Sequence[float],
                    input_size: Sequence[int]) -> np.ndarray:
        """Image pixels per patch pixel, ``(x, y)``, for a coarse model that
        framed ``input_scale`` image pixels at ``input_size`` (both
        ``(w, h)``)."""
        return np.asarray(input_scale, np.float64) / \
            np.asarray(input_size, np.float64) / self.zoom

    @staticmethod
    def resize_image(
            image: np.ndarray,
            pixel: Sequence[float]) -> Tuple[torch.Tensor, np.ndarray]:
        """The radiograph at the patch spacing, by area averaging.

        Args:
            image (np.ndarray): ``(H, W)`` grey image (uint8).
            pixel (Sequence[float]): Image pixels per patch pixel ``(x, y)``.

        Returns:
            tuple: ``(1, H', W')`` float image in [0, 1], and the exact
            image pixels per resized pixel ``(x, y)`` (``W / W'``,
            ``H / H'``).
        """
        h, w = image.shape[:2]
        size = (max(1, round(w / pixel[0])), max(1, round(h / pixel[1])))
        small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        scale = np.array([w / size[0], h / size[1]], np.float64)
        tensor = torch.from_numpy(small.astype(np.float32) / 255.)[None]
        return tensor, scale

    @staticmethod
    def to_resized(points: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Image pixel centres to the resized image's (cv2's convention)."""
        return (points + 0.5) / scale - 0.5

    @staticmethod
    def from_resized(points: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """The resized image's pixel centres to the image's."""
        return (points + 0.5) * scale - 0.5

    @staticmethod
    def standardize(patches: torch.Tensor) -> torch.Tensor:
        """Each patch to zero mean and unit variance (``(M, 1, P, P)``)."""
        mean = patches.mean((1, 2, 3), keepdim=True)
        std = patches.std((1, 2, 3), keepdim=True)
        return (patches - mean) / (std + 1e-3)

    def target_distributions(self, points: torch.Tensor) -> torch.Tensor:
        """``(M, P, P)`` Gaussians at ``(M, 2)`` patch points, each summing
        to 1 over the patch; uniform where less than half of the point's
        Gaussian is inside (a landmark outside or on the edge: "not
        here")."""
        steps = torch.arange(self.patch_size, dtype=points.dtype)
        dx = (steps[None, None, :] - points[:, None, None, 0])**2
        dy = (steps[None, :, None] - points[:, None, None, 1])**2
        maps = torch.exp(-(dx + dy) / (2 * self.sigma**2))
        mass = maps.sum((1, 2), keepdim=True)
        # inside: the Gaussian (cut at the edge); outside: "not here"
        inside = mass > 0.5 * 2 * math.pi * self.sigma**2
        uniform = torch.full_like(maps, 1 / self.patch_size**2)
        return torch.where(inside, maps / mass.clamp(min=1e-12), uniform)

    def loss(self, images: Sequence[np.ndarray],
             keypoints: Sequence[np.ndarray], visible: Sequence[np.ndarray],
             pixels: Sequence[np.ndarray]) -> Dict[str, torch.Tensor]:
        """Cross-entropy of each patch's map against its target
        distribution, on patches drawn around the ground truth (see the
        class's design notes).

        Args:
            images (Sequence[np.ndarray]): ``(H, W)`` grey radiographs.
            keypoints (Sequence[np.ndarray]): ``(K, 2)`` ground truth per
                image, image pixels.
            visible (Sequence[np.ndarray]): ``(K, )`` weights (0: absent).
            pixels (Sequence[np.ndarray]): Image pixels per patch pixel
                ``(x, y)`` per image (:meth:`patch_pixel`).

        Returns:
            dict: ``loss_refine``.
        """
        device = next(self.parameters()).device
        patches, targets, channels, weights = [], [], [], []
        k = self.num_keypoints
        for image, points, vis, pixel in zip(images, keypoints, visible,
                                             pixels):
            small, scale = self.resize_image(image, pixel)
            truth = torch.from_numpy(
                self.to_resized(np.asarray(points, np.float64)[:, :2],
                                scale)).float()
            offsets = torch.randn(k, 2) * self.offset_sigma * self.zoom
            # negatives: the landmark beyond the patch's edge
            far = torch.rand(k) < self.negative_prob
            if far.any():
                angle = torch.rand(int(far.sum())) * 2 * math.pi
                radius = self.patch_size * (0.75 +
                                            0.5 * torch.rand_like(angle))
                offsets[far] = torch.stack(
                    [radius * torch.cos(angle), radius * torch.sin(angle)], 1)
            centers = truth + offsets
            angles = (torch.rand(k) * 2 - 1) * math.radians(self.rotate_limit)
            zooms = 1 + (torch.rand(k) * 2 - 1) * self.scale_limit
            spacing = zooms[:, None].expand(k, 2)
            gamma = 1 + (torch.rand(k, 1, 1, 1) * 2 - 1) * self.gamma_limit
            cut = sample_patches(small, centers, spacing, angles,
                                 self.patch_size).clamp(min=0)**gamma
            patches.append(self.standardize(cut))
            targets.append(
                self.target_distributions(
                    image_to_patch(truth, centers, spacing, angles,
                                   self.patch_size)))
            channels.append(torch.arange(k))
            weights.append(torch.as_tensor(vis, dtype=torch.float32).view(-1))
        logits = self(torch.cat(patches).to(device))
        channel = torch.cat(channels).to(device)
        picked = logits[torch.arange(len(channel), device=device), channel]
        log_p = torch.log_softmax(picked.flatten(1), 1)
        error = -(torch.cat(targets).to(device).flatten(1) * log_p).sum(1)
        weight = (torch.cat(weights).to(device) > 0).float()
        loss = (error * weight).sum() / weight.sum().clamp(min=1)
        return dict(loss_refine=loss * self.loss_weight)

    @torch.no_grad()
    def refine(self,
               image: np.ndarray,
               coarse: np.ndarray,
               pixel: Sequence[float],
               run: Optional[Callable] = None) -> Dict[str, np.ndarray]:
        """Refines one image's landmarks.

        Args:
            image (np.ndarray): ``(H, W)`` grey radiograph.
            coarse (np.ndarray): ``(K, 2)`` coarse estimates, image pixels.
            pixel (Sequence[float]): Image pixels per patch pixel ``(x, y)``.
            run (Callable, optional): Runs the network on ``(K, 1, P, P)``
                standardised patches (a tensor) and returns ``(K, K, P, P)``
                logits; this head's own network if not given (an ONNX
                session's, for the exported model).

        Returns:
            dict: ``keypoints`` ``(K, 2)`` image pixels (the coarse one
            where refused), ``refined`` ``(K, )`` bool, ``scores`` ``(K, )``
            refined peaks (see the class), ``heatmaps`` ``(K, P, P)`` (each
            landmark's own distribution), ``region`` ``(w, h)`` the image
            pixels that one patch spans and ``grid`` ``(K, P, P, 2)`` the
            image point of each patch pixel.
        """
        small, scale = self.resize_image(image, pixel)
        k = len(coarse)
        centers = self.to_resized(np.asarray(coarse, np.float64), scale)
        patches = sample_patches(small,
                                 torch.from_numpy(centers).float(),
                                 torch.ones(k, 2), torch.zeros(k),
                                 self.patch_size)
        patches = self.standardize(patches)
        if run is None:
            heatmaps = self(patches.to(next(self.parameters()).device))
        else:
            heatmaps = torch.as_tensor(run(patches))
        own = self.spatial_softmax(
            heatmaps[torch.arange(k), torch.arange(k)].float()).cpu().numpy()
        out = self.decode(own, coarse, centers, scale)
        steps = np.arange(self.patch_size) - (self.patch_size - 1) / 2
        grid = np.stack(np.meshgrid(steps, steps, indexing='xy'), -1)
        out['grid'] = self.from_resized(centers[:, None, None] + grid, scale)
        return out

    def decode(self, heatmaps: np.ndarray, coarse: np.ndarray,
               centers: np.ndarray,
               scale: np.ndarray) -> Dict[str, np.ndarray]:
        """Sub-pixel peaks of ``(K, P, P)`` patch distributions (DARK),
        mapped back to image pixels; see :meth:`refine` for what it returns.

        Args:
            heatmaps (np.ndarray): ``(K, P, P)`` each landmark's
                distribution over the patch's pixels.
            coarse (np.ndarray): ``(K, 2)`` coarse estimates, image pixels.
            centers (np.ndarray): ``(K, 2)`` patch centres, resized pixels.
            scale (np.ndarray): Image pixels per resized pixel ``(x, y)``.

        Returns:
            dict: ``keypoints``, ``refined``, ``scores``, ``heatmaps`` and
            ``region``, as :meth:`refine` returns them.
        """
        heatmaps = np.ascontiguousarray(heatmaps, dtype=np.float32)
        peaks, peak_values = get_heatmap_maximum(heatmaps)
        scores = peak_values * 2 * math.pi * self.sigma**2
        inside = np.all(
            (peaks >= self.border) &
            (peaks <= self.patch_size - 1 - self.border),
            axis=1)
        sub = refine_keypoints_dark(peaks[None].astype(np.float64),
                                    heatmaps.copy(),
                                    2 * round(3 * self.sigma) + 1)[0]
        # DARK's Taylor step holds near a Gaussian peak only: on a flat map
        # its near-singular Hessian sends the point anywhere (seen: 4000 px
        # off on ISBI 2015), so a step that leaves the patch, which the
        # network saw, keeps the peak (a bound of 1 px lost 0.03 mm on
        # validation: longer steps are mostly right)
        sub = np.where(
            np.all(
                (sub >= 0) & (sub <= self.patch_size - 1),
                axis=1,
                keepdims=True), sub, peaks)
        half = (self.patch_size - 1) / 2
        position = self.from_resized(centers + sub - half, scale)
        refined = inside & (scores >= self.min_score)
        keypoints = np.where(refined[:, None], position, coarse)
        return dict(
            keypoints=keypoints,
            refined=refined,
            scores=scores,
            heatmaps=heatmaps,
            region=self.patch_size * scale)
