"""The inter-observer score reads the ISBI 2015 doctors' files as the
converter does: a byte-order mark and CRLF accepted, errors naming the file
and line."""
import os
import os.path as osp
import re
import shutil

import numpy as np
import pytest

from hyatt_mmpose.datasets.converters import (ConversionError,
                                              read_isbi2015_points)
from hyatt_mmpose.evaluation import score_inter_observer
from ..test_datasets.spreadsheet_text import write_spreadsheet_text
from ..utils import shared_data


def points_text(rng) -> str:
    pts = rng.uniform(100, 900, (19, 2)).round(1)
    return '\n'.join(f'{x},{y}' for x, y in pts) + '\n7\nextra line\n'


def test_read_takes_bom_crlf_and_extra_lines(tmp_path):
    text = points_text(np.random.default_rng(0))
    (tmp_path / 'plain.txt').write_text(text)
    write_spreadsheet_text(tmp_path / 'sheet.txt', text)
    want = np.loadtxt(tmp_path / 'plain.txt', delimiter=',', max_rows=19)
    np.testing.assert_array_equal(
        read_isbi2015_points(str(tmp_path / 'sheet.txt')), want)


@pytest.mark.parametrize('line,message', [
    ('1,2,3', r':4: expected "x,y", got \'1,2,3\''),
    ('1,y', r":4: y must be a number, got 'y'"),
])
def test_read_errors_name_file_and_line(tmp_path, line, message):
    lines = points_text(np.random.default_rng(0)).splitlines()
    lines[3] = line
    path = tmp_path / '001.txt'
    write_spreadsheet_text(path, '\n'.join(lines))
    with pytest.raises(
            ConversionError, match='^' + re.escape(str(path)) + message):
        read_isbi2015_points(str(path))
    path.write_text('\n'.join(lines[:3]))
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(path)) + ': 3 landmarks, expected 19'):
        read_isbi2015_points(str(path))


def make_layout(root, source=None):
    """Images 001, 002 of Test1Data; the doctors' files written by a
    spreadsheet, from ``source`` (the real set) or at random."""
    rng = np.random.default_rng(0)
    os.makedirs(root / 'RawImage' / 'Test1Data')
    for stem in ('001', '002'):
        (root / 'RawImage' / 'Test1Data' / f'{stem}.bmp').write_bytes(b'')
        for who in ('senior', 'junior'):
            d = root / 'AnnotationsByMD' / f'400_{who}'
            os.makedirs(d, exist_ok=True)
            text = (
                open(
                    osp.join(source, 'AnnotationsByMD', f'400_{who}',
                             f'{stem}.txt')).read()
                if source else points_text(rng))
            write_spreadsheet_text(d / f'{stem}.txt', text)


def test_score_of_spreadsheet_files_equals_the_originals(tmp_path):
    real = shared_data('isbi2015')
    make_layout(tmp_path / 'sheet', real)
    os.makedirs(tmp_path / 'plain' / 'RawImage' / 'Test1Data')
    for stem in ('001', '002'):
        (tmp_path / 'plain' / 'RawImage' / 'Test1Data' /
         f'{stem}.bmp').write_bytes(b'')
    shutil.copytree(
        osp.join(real, 'AnnotationsByMD'),
        tmp_path / 'plain' / 'AnnotationsByMD')
    sheet = score_inter_observer(str(tmp_path / 'sheet'), 'Test1Data')
    plain = score_inter_observer(str(tmp_path / 'plain'), 'Test1Data')
    assert sheet == plain and sheet['MRE'] > 0


def test_score_names_the_bad_image_and_annotation(tmp_path):
    make_layout(tmp_path)
    stray = tmp_path / 'RawImage' / 'Test1Data' / 'Thumbs.db'
    stray.write_bytes(b'')
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(stray)) +
            ": image name must be a whole number"):
        score_inter_observer(str(tmp_path), 'Test1Data')
    os.remove(stray)
    missing = tmp_path / 'AnnotationsByMD' / '400_junior' / '002.txt'
    os.remove(missing)
    with pytest.raises(
            FileNotFoundError,
            match='^' + re.escape(str(missing)) +
            ': annotation file not found'):
        score_inter_observer(str(tmp_path), 'Test1Data')


def test_score_names_a_root_without_images(tmp_path):
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(tmp_path / 'RawImage' / 'Test1Data')) +
            ': no images'):
        score_inter_observer(str(tmp_path), 'Test1Data')
