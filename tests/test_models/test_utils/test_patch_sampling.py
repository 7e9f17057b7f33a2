import math

import numpy as np
import pytest
import torch

from hyatt_mmpose.models.utils.patch_sampling import (image_to_patch,
                                                      patch_to_image,
                                                      sample_patches)


def _random_geometry(m, seed=0):
    g = torch.Generator().manual_seed(seed)
    centers = torch.rand(m, 2, generator=g, dtype=torch.float64) * 100
    pixel = 0.5 + torch.rand(m, 2, generator=g, dtype=torch.float64) * 2
    angles = (torch.rand(m, generator=g, dtype=torch.float64) - 0.5) * 2
    return centers, pixel, angles


def test_patch_to_image_against_explicit_affine():
    centers, pixel, angles = _random_geometry(5)
    points = torch.rand(5, 7, 2, dtype=torch.float64) * 15
    got = patch_to_image(points, centers, pixel, angles, 16)
    for i in range(5):
        c, s = math.cos(angles[i]), math.sin(angles[i])
        rotation = np.array([[c, -s], [s, c]])
        offset = (points[i].numpy() - 7.5) * pixel[i].numpy()
        want = offset @ rotation.T + centers[i].numpy()
        np.testing.assert_allclose(got[i].numpy(), want, atol=1e-9)


def test_image_to_patch_inverts_patch_to_image():
    centers, pixel, angles = _random_geometry(4, seed=1)
    points = torch.rand(4, 3, 2, dtype=torch.float64) * 200
    there = image_to_patch(points, centers, pixel, angles, 32)
    back = patch_to_image(there, centers, pixel, angles, 32)
    torch.testing.assert_close(back, points)


def test_patch_centre_pixel_reads_the_image_at_the_centre():
    # a known point: one bright pixel, read back at the patch's centre
    image = torch.zeros(1, 40, 50, dtype=torch.float64)
    image[0, 12, 31] = 1.
    centers = torch.tensor([[31., 12.]], dtype=torch.float64)
    patch = sample_patches(image, centers,
                           torch.ones(1, 2, dtype=torch.float64),
                           torch.zeros(1, dtype=torch.float64), 9)
    assert patch.shape == (1, 1, 9, 9)
    assert patch[0, 0, 4, 4].item() == pytest.approx(1.)
    assert patch.sum().item() == pytest.approx(1.)


@pytest.mark.parametrize('angle', [0., 0.3, -1.2])
def test_sampled_values_follow_the_mapping(angle):
    # a linear ramp is interpolated exactly by bilinear sampling, so every
    # patch pixel must read the ramp's value at its mapped image point
    h, w = 60, 80
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=torch.float64),
        torch.arange(w, dtype=torch.float64),
        indexing='ij')
    image = (2 * xs + 3 * ys)[None]
    centers = torch.tensor([[40., 30.], [35.5, 27.25]], dtype=torch.float64)
    pixel = torch.tensor([[1.5, 0.75], [1., 2.]], dtype=torch.float64)
    angles = torch.full((2, ), angle, dtype=torch.float64)
    patches = sample_patches(image, centers, pixel, angles, 8)
    steps = torch.arange(8, dtype=torch.float64)
    v, u = torch.meshgrid(steps, steps, indexing='ij')
    where = patch_to_image(
        torch.stack([u, v], -1).expand(2, -1, -1, -1), centers, pixel, angles,
        8)
    want = 2 * where[..., 0] + 3 * where[..., 1]
    torch.testing.assert_close(patches[:, 0], want)


def test_outside_the_image_reads_zero_at_the_border():
    image = torch.ones(1, 10, 10, dtype=torch.float64)
    # centred on the top-left corner pixel: the up-left quarter is outside
    patch = sample_patches(image, torch.zeros(1, 2, dtype=torch.float64),
                           torch.ones(1, 2, dtype=torch.float64),
                           torch.zeros(1, dtype=torch.float64), 9)[0, 0]
    assert torch.all(patch[4:, 4:] == 1)
    assert torch.all(patch[:3, :] == 0) and torch.all(patch[:, :3] == 0)
