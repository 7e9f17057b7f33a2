"""bench/bra.py: its gather-then-attend reference computes what our
BiLevelRoutingAttention computes, and the script writes its report."""
import json
import os

import pytest
import torch

from bench.gather_bra import GatherThenAttend
from bench.official_bra import OfficialBRA, load_official_class
from hyatt_mmpose.models import BiLevelRoutingAttention
from .script import run_bench


@pytest.mark.parametrize(
    'size,n_win,topk,kv_per_win',
    [
        ((32, 38), 4, 1, 4),  # pooled, regions divide the map
        ((19, 23), 4, 3, 2),  # pooled, padded
        ((16, 16), 4, 4, None),  # every pixel a token
        ((9, 11), 3, 2, None),  # padded, every pixel a token
        ((10, 13), 3, -1, 2),  # full attention over pooled tokens
    ])
def test_gather_reference_equals_ours(size, n_win, topk, kv_per_win):
    torch.manual_seed(0)
    ours = BiLevelRoutingAttention(32, 2, n_win, topk, kv_per_win).double()
    gather = GatherThenAttend(ours)
    x = torch.randn(2, 32, *size, dtype=torch.float64)
    weight = torch.randn(2, 32, *size, dtype=torch.float64)
    outputs, grads = [], []
    for module in (ours, gather):
        xg = x.clone().requires_grad_()
        out = module(xg)
        (out * weight).sum().backward()
        outputs.append(out.detach())
        grads.append([xg.grad] + [p.grad.clone() for p in ours.parameters()])
        ours.zero_grad()
    torch.testing.assert_close(outputs[0], outputs[1], atol=1e-10, rtol=0)
    for ours_grad, gather_grad in zip(*grads):
        torch.testing.assert_close(ours_grad, gather_grad, atol=1e-9, rtol=0)


# a clone of https://github.com/rayleizhu/BiFormer (and einops) for the tests
# against the official BRA; never part of this project
OFFICIAL = os.environ.get('HYATT_BIFORMER_CHECKOUT')
needs_official = pytest.mark.skipif(
    not OFFICIAL, reason='HYATT_BIFORMER_CHECKOUT names no BiFormer clone')


@needs_official
@pytest.mark.parametrize(
    'size,n_win,topk,kv_per_win',
    [
        ((32, 48), 4, 1, 4),  # HYATT-Net's stage 1 settings
        ((32, 32), 4, -1, 2),  # full attention over pooled tokens
        ((16, 16), 4, 2, None),  # every pixel a token
    ])
def test_official_bra_equals_ours(size, n_win, topk, kv_per_win):
    torch.manual_seed(0)
    ours = BiLevelRoutingAttention(64, 2, n_win, topk, kv_per_win).double()
    official = OfficialBRA(ours, load_official_class(OFFICIAL)).double()
    x = torch.randn(2, 64, *size, dtype=torch.float64)
    outputs, grads = [], []
    for module, nhwc in ((ours, False), (official, True)):
        xg = x.clone().requires_grad_()
        out = module(xg.permute(0, 2, 3, 1)) if nhwc else module(xg)
        out = out.permute(0, 3, 1, 2) if nhwc else out
        (out * x).sum().backward()
        outputs.append(out.detach())
        grads.append(xg.grad)
    torch.testing.assert_close(outputs[0], outputs[1], atol=1e-10, rtol=0)
    torch.testing.assert_close(grads[0], grads[1], atol=1e-9, rtol=0)


@pytest.mark.slow
def test_official_needs_a_checkout(tmp_path):
    with pytest.raises(FileNotFoundError, match='rayleizhu/BiFormer'):
        load_official_class(str(tmp_path))
    done = run_bench('bra.py', '--variants', 'official', '--out',
                     str(tmp_path / 'x.json'))
    assert done.returncode == 2 and '--official PATH' in done.stderr
    done = run_bench('bra.py', '--official', str(tmp_path), '--out',
                     str(tmp_path / 'x.json'))
    assert done.returncode == 2 and 'Traceback' not in done.stderr
    assert 'no ops/bra_legacy.py there' in done.stderr
    assert not (tmp_path / 'x.json').exists()


@pytest.mark.slow
def test_bench_script_writes_its_report(tmp_path):
    out = tmp_path / 'bra.json'
    done = run_bench('bra.py', '--sizes', 'imagenet-s1', '--repeats', '1',
                     '--allocator', 'system', '--out', str(out))
    assert done.returncode == 0, done.stderr
    assert '| fwd+bwd ms |' in done.stdout  # the table
    assert 'timed with the system allocator' in done.stdout
    report = json.loads(out.read_text())
    assert (report['allocator'], report['ld_preload']) == ('system', None)
    rows = {row['variant']: row for row in report['rows']}
    assert set(rows) == {'ours', 'gather', 'dense', 'ours-vs-gather'}
    for variant in ('ours', 'gather', 'dense'):
        assert rows[variant]['fwd_bwd_ms'] > 0
        assert rows[variant]['fwd_bwd_peak_mib'] > 0
    assert rows['ours-vs-gather']['max_abs_diff_out'] < 1e-5
    assert report['machine']['torch'] == torch.__version__
