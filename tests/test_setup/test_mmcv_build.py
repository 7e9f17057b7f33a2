"""The mmcv that ``make setup`` builds (tools/setup_env.sh): its ops compute
what torchvision's do, and the compiler wrapper of the default build hands
the compiler what it should."""
import os
import os.path as osp
import stat
import subprocess

import pytest
import torch

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
WRAPPER = osp.join(REPO, 'tools', 'setup', 'pch_cxx.sh')


def random_boxes(n, seed):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g) * 100
    wh = torch.rand(n, 2, generator=g) * 40 + 1
    return torch.cat([xy, xy + wh], 1), torch.rand(n, generator=g)


def test_nms_matches_torchvision():
    from mmcv.ops import nms
    from torchvision.ops import nms as tv_nms
    boxes, scores = random_boxes(300, 0)
    _, keep = nms(boxes, scores, iou_threshold=0.5)
    expected = tv_nms(boxes, scores, 0.5)
    assert 0 < len(expected) < 300
    assert torch.equal(keep, expected)


def test_roi_align_matches_torchvision():
    from mmcv.ops import roi_align
    from torchvision.ops import roi_align as tv_roi_align
    g = torch.Generator().manual_seed(1)
    features = torch.rand(2, 3, 32, 40, generator=g, requires_grad=True)
    boxes, _ = random_boxes(10, 2)
    rois = torch.cat([torch.arange(10)[:, None] % 2, boxes / 4], 1)
    out = roi_align(features, rois, (7, 7), 1.0, 2, 'avg', True)
    expected = tv_roi_align(features, rois, (7, 7), 1.0, 2, aligned=True)
    torch.testing.assert_close(out, expected)
    grad, = torch.autograd.grad(out.sum(), features)
    expected_grad, = torch.autograd.grad(expected.sum(), features)
    torch.testing.assert_close(grad, expected_grad)


def write_compiler(tmp_path, fail_headers=False):
    """A compiler that records its arguments and writes its ``-o`` file
    (or, with ``fail_headers``, fails to precompile a header)."""
    log = tmp_path / 'calls.txt'
    script = tmp_path / 'fake-cxx'
    fail = '[[ "$*" == *c++-header* ]] && exit 1\n' if fail_headers else ''
    script.write_text('#!/usr/bin/env bash\n'
                      f'echo "$*" >> {log}\n' + fail +
                      'while [ $# -gt 0 ]; do\n'
                      '  [ "$1" = -o ] && touch "$2"\n'
                      '  shift\n'
                      'done\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


@pytest.fixture
def fake_compiler(tmp_path):
    return write_compiler(tmp_path)


def run_wrapper(args, compiler, pch_dir):
    env = dict(
        os.environ, HYATT_REAL_CXX=str(compiler), HYATT_PCH_DIR=str(pch_dir))
    subprocess.run(
        ['bash', WRAPPER] + args, env=env, check=True, cwd=pch_dir.parent)


def test_wrapper_precompiles_once_with_the_compile_flags(
        fake_compiler, tmp_path):
    compiler, log = fake_compiler
    pch = tmp_path / 'pch'
    flags = ['-MMD', '-MF', 'a.o.d', '-O3', '-g', '-Iinc', '-DX=1']
    for name in ('a', 'b'):  # ninja's command lines say -c twice
        run_wrapper(
            flags + ['-c', '-c', f'/src/{name}.cpp', '-o', f'{name}.o'] +
            ['-std=c++17'], compiler, pch)
    calls = log.read_text().splitlines()
    header = f'{pch}/torch_types.h'
    assert calls[0] == (f'-O3 -g -Iinc -DX=1 -std=c++17 -g0 -x c++-header '
                        f'{header} -o {header}.gch.tmp')
    assert calls[1].endswith(f'-std=c++17 -g0 -include {header} '
                             '-Winvalid-pch')
    assert '/src/a.cpp -o a.o' in calls[1]
    assert len(calls) == 3 and '/src/b.cpp' in calls[2]  # built only once
    assert (pch / 'torch_types.h.gch').exists()
    assert 'torch/types.h' in (pch / 'torch_types.h').read_text()


def test_wrapper_passes_links_through(fake_compiler, tmp_path):
    compiler, log = fake_compiler
    run_wrapper(['-shared', 'a.o', 'b.o', '-o', '_ext.so'], compiler,
                tmp_path / 'pch')
    assert log.read_text().splitlines() == ['-shared a.o b.o -o _ext.so']
    assert not (tmp_path / 'pch').exists()


def test_a_failed_precompile_compiles_without_the_header(tmp_path):
    compiler, log = write_compiler(tmp_path, fail_headers=True)
    pch = tmp_path / 'pch'
    for name in ('a', 'b'):
        run_wrapper(['-O3', '-c', f'/src/{name}.cpp', '-o', f'{name}.o'],
                    compiler, pch)
    calls = log.read_text().splitlines()
    assert len(calls) == 3 and 'c++-header' in calls[0]  # tried once
    assert calls[1:] == [f'-O3 -c /src/{n}.cpp -o {n}.o -g0' for n in 'ab']
    assert (pch / 'precompile.failed').exists()


def test_a_compiler_command_of_several_words(fake_compiler, tmp_path):
    compiler, log = fake_compiler
    run_wrapper(['-shared', 'a.o', '-o', 'x.so'], f'env {compiler}',
                tmp_path / 'pch')
    assert log.read_text().splitlines() == ['-shared a.o -o x.so']
