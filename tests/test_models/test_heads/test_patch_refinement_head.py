import numpy as np
import pytest
import torch

from hyatt_mmpose.models.heads import PatchRefinementHead


def _head(**kwargs):
    cfg = dict(
        num_keypoints=1,
        patch_size=32,
        zoom=1.,
        channels=(8, 16),
        sigma=1.5,
        offset_sigma=3.,
        rotate_limit=10.,
        min_score=0.3)
    cfg.update(kwargs)
    return PatchRefinementHead(**cfg)


def _disc_image(rng, size=(120, 150)):
    """A noisy grey image with one bright disc; its centre is the
    landmark."""
    h, w = size
    centre = rng.uniform([20, 20], [w - 20, h - 20])
    ys, xs = np.mgrid[0:h, 0:w]
    disc = ((xs - centre[0])**2 + (ys - centre[1])**2) < 16
    image = rng.normal(80, 10, (h, w)) + 120 * disc
    return np.clip(image, 0, 255).astype(np.uint8), centre


def test_patch_side_must_halve_per_level():
    with pytest.raises(ValueError, match='divisible by 2 \\*\\* 2'):
        _head(patch_size=30, channels=(8, 16, 32))


def test_resize_maps_pixel_centres_both_ways():
    image = np.zeros((100, 61), np.uint8)
    small, scale = PatchRefinementHead.resize_image(image, (2., 2.5))
    assert small.shape == (1, 40, 30)
    np.testing.assert_allclose(scale, [61 / 30, 100 / 40])
    points = np.array([[0., 0.], [60., 99.], [-0.5, -0.5]])
    there = PatchRefinementHead.to_resized(points, scale)
    # the image's outer edge is the resized image's outer edge
    np.testing.assert_allclose(there[2], [-0.5, -0.5])
    np.testing.assert_allclose(
        PatchRefinementHead.from_resized(there, scale), points, atol=1e-12)


def test_decode_maps_a_known_peak_back_to_the_image():
    head = _head(patch_size=32)
    truth = np.array([[20.3, 9.6]])  # patch pixels
    steps = np.arange(32)
    heatmap = np.exp(-((steps[None, :] - truth[0, 0])**2 +
                       (steps[:, None] - truth[0, 1])**2) / (2 * 1.5**2))
    centers = np.array([[50., 40.]])  # resized pixels
    scale = np.array([2., 3.])  # anisotropic: image px per resized px
    out = head.decode(heatmap[None], np.zeros((1, 2)), centers, scale)
    want = (centers + truth - 15.5 + 0.5) * scale - 0.5
    np.testing.assert_allclose(out['keypoints'], want, atol=0.05 * 3)
    assert out['refined'].tolist() == [True]
    np.testing.assert_allclose(out['region'], [64., 96.])


@pytest.mark.parametrize('peak, value', [((1, 16), 1.), ((16, 16), 0.01)])
def test_decode_keeps_the_coarse_point_at_the_edge_or_below_min_score(
        peak, value):
    head = _head(patch_size=32, border=2, min_score=0.3)
    heatmap = np.zeros((1, 32, 32), np.float32)
    heatmap[0, peak[1], peak[0]] = value
    coarse = np.array([[7., 8.]])
    out = head.decode(heatmap, coarse, np.array([[3., 4.]]), np.ones(2))
    assert out['refined'].tolist() == [False]
    np.testing.assert_array_equal(out['keypoints'], coarse)


def test_loss_has_gradients_only_in_the_network():
    rng = np.random.default_rng(0)
    head = _head()
    image, centre = _disc_image(rng)
    losses = head.loss([image], [centre[None]], [np.ones(1)], [np.ones(2)])
    assert set(losses) == {'loss_refine'}
    losses['loss_refine'].backward()
    assert all(p.grad is not None for p in head.parameters())


@pytest.mark.slow
def test_trained_refinement_undoes_a_known_offset_and_refuses_far_points():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    head = _head()
    optimizer = torch.optim.Adam(head.parameters(), lr=3e-3)
    head.train()
    for _ in range(150):
        batch = [_disc_image(rng) for _ in range(8)]
        loss = head.loss([b[0] for b in batch], [b[1][None] for b in batch],
                         [np.ones(1)] * 8, [np.ones(2)] * 8)['loss_refine']
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    head.eval()
    errors, far_kept = [], []
    for _ in range(10):
        image, centre = _disc_image(rng)
        coarse = centre + rng.choice([-1, 1], 2) * 4.  # a known offset, px
        out = head.refine(image, coarse[None], np.ones(2))
        assert out['refined'][0]
        errors.append(np.linalg.norm(out['keypoints'][0] - centre))
        # a coarse estimate farther than the patch reaches (16 px)
        far = centre + np.array([40., 0.]) * rng.choice([-1, 1])
        out = head.refine(image, far[None], np.ones(2))
        far_kept.append(not out['refined'][0]
                        and np.array_equal(out['keypoints'][0], far))
    assert max(errors) < 1.
    assert all(far_kept)


def test_decode_keeps_the_peak_where_dark_would_jump_away(monkeypatch):
    # On ISBI 2015 a flat map's near-singular Hessian sent DARK's step
    # 4000 px away; a step that leaves the patch keeps the integer peak, a
    # long one within it is kept
    from hyatt_mmpose.models.heads import patch_refinement_head as module
    head = _head(patch_size=32, min_score=0., sigma=1.5)
    heatmap = np.zeros((2, 32, 32), np.float32)
    heatmap[:, 14, 16] = 1.
    steps = np.array([[[-3900., 10.], [9.5, -6.]]])
    monkeypatch.setattr(module, 'refine_keypoints_dark',
                        lambda keypoints, *args: keypoints + steps)
    out = head.decode(heatmap, np.zeros((2, 2)), np.full((2, 2), 15.5),
                      np.ones(2))
    np.testing.assert_allclose(out['keypoints'], [[16., 14.], [25.5, 8.]])
