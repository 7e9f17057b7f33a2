import os.path as osp

import pytest
import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config

from hyatt_mmpose.analysis import sdpa_flop_jit, summarise
from hyatt_mmpose.models import BiLevelRoutingAttention
from ..utils import REPO_ROOT


def test_attention_flops_are_counted_as_two_matmuls():
    # Full attention on an 8 x 6 map, no LCE: qkv, QK^T, AV, proj.
    C, N = 16, 8 * 6
    bra = BiLevelRoutingAttention(
        C, num_heads=4, n_win=1, topk=-1, side_dwconv=0)
    analyzer = FlopAnalyzer(bra, torch.randn(1, C, 8, 6))
    analyzer.set_op_handle('aten::scaled_dot_product_attention', sdpa_flop_jit)
    expected = N * C * 3 * C + 2 * N * N * C + N * C * C
    assert analyzer.total() == expected


def test_summary_rows_of_the_demo_config():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_synthetic_demo.py'))
    rows = summarise(cfg, (64, 64))
    parts = {part: (params, flops) for part, params, flops in rows}
    assert list(parts) == ['backbone', 'neck', 'head', 'total']
    assert parts['total'][0] == pytest.approx(
        sum(parts[p][0] for p in ('backbone', 'neck', 'head')))
    assert parts['total'][1] == pytest.approx(
        sum(parts[p][1] for p in ('backbone', 'neck', 'head')))
    assert all(flops > 0 for _, flops in parts.values())


def test_summary_counts_the_refinement_on_one_patch_per_landmark():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_synthetic_demo_refined.py'))
    parts = {part: (p, f) for part, p, f in summarise(cfg, (64, 64))}
    assert list(parts) == ['backbone', 'neck', 'head', 'refiner', 'total']
    refiner = cfg.model.refiner
    # the U-Net's stem: two 3x3 convolutions at the patch's full size (the
    # rest is at lower resolution or narrower), for each landmark's patch
    c, size = refiner.channels[0], refiner.patch_size
    stem = refiner.num_keypoints * size**2 * 9 * (1 * c + c * c)
    assert parts['refiner'][1] > stem
    assert parts['total'][1] == pytest.approx(
        sum(parts[p][1] for p in ('backbone', 'neck', 'head', 'refiner')))
    assert parts['total'][0] == pytest.approx(
        sum(parts[p][0] for p in ('backbone', 'neck', 'head', 'refiner')))
