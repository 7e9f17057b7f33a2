"""tools/predict.py as a user runs it."""
import csv
import json
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from hyatt_mmpose.commands import predict as predict_tool


def read_table(out) -> list:
    """The rows of the run's landmarks.csv (UTF-8 with a byte-order mark)."""
    with open(out / 'landmarks.csv', newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))


def test_folder_run_finishes_good_files_and_lists_bad_ones(
        tiny_checkpoint, synthetic_root, tmp_path):
    config, checkpoint = tiny_checkpoint
    images = tmp_path / 'in'
    images.mkdir()
    for i in range(2):
        shutil.copy(f'{synthetic_root}/images/test_{i:04d}.png', images)
    (images / 'empty.png').write_bytes(b'')
    (images / 'corrupt.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
    (images / 'notes.txt').write_text('not an image')
    out = tmp_path / 'out'
    status = predict_tool.main([
        config, checkpoint,
        str(images), '--out-dir',
        str(out), '--spacing', '0.5', '--batch-size', '2'
    ])
    assert status == 1
    rows = read_table(out)
    assert [osp.basename(r['image'])
            for r in rows] == ['test_0000.png', 'test_0001.png']
    record = json.load(open(out / 'test_0001.json'))
    first = record['landmarks'][0]
    assert first['name'] == 'cranial_base_0'
    assert first['x_mm'] == first['x_px'] * 0.5
    assert float(rows[1]['cranial_base_0_x']) == first['x_px']
    overlay = cv2.imread(str(out / 'test_0001_overlay.png'))
    original = cv2.imread(str(images / 'test_0001.png'))
    assert overlay.shape[0] == original.shape[0]
    assert overlay.shape[1] > original.shape[1]  # the legend panel
    assert not (out / 'empty.json').exists()


def run(config, checkpoint, inputs, out, *extra):
    return predict_tool.main(
        [config, checkpoint, *map(str, inputs), '--out-dir',
         str(out), *extra])


def test_equal_names_never_overwrite_each_other(tiny_checkpoint,
                                                synthetic_root, tmp_path,
                                                capsys):
    from ..dicom_files import write_dicom
    config, checkpoint = tiny_checkpoint
    grey = cv2.imread(f'{synthetic_root}/images/test_0000.png',
                      cv2.IMREAD_GRAYSCALE)
    for folder in ('p1', 'p2'):
        (tmp_path / folder).mkdir()
        write_dicom(
            tmp_path / folder / 'IM0001.dcm',
            grey.astype(np.uint16) * 257,
            window=(32767.5, 65535))
    # a DICOM without extension, found by its preamble
    write_dicom(
        tmp_path / 'p2' / 'IM0002',
        grey.astype(np.uint16) * 257,
        window=(32767.5, 65535))
    (tmp_path / 'p2' / 'notes.txt').write_text('not an image')
    shutil.copy(f'{synthetic_root}/images/test_0001.png',
                tmp_path / 'p1' / 'ceph.png')
    cv2.imwrite(
        str(tmp_path / 'p1' / 'ceph.jpg'),
        cv2.imread(f'{synthetic_root}/images/test_0002.png'))
    out = tmp_path / 'out'
    assert run(config, checkpoint, [tmp_path / 'p1', tmp_path / 'p2'],
               out) == 0
    for name in ('p1/IM0001', 'p2/IM0001', 'p2/IM0002', 'p1/ceph_png',
                 'p1/ceph_jpg'):
        record = json.load(open(out / f'{name}.json'))
        assert osp.exists(out / f'{name}_overlay.png')
        assert record['image'].endswith(
            name.replace('_png', '.png').replace('_jpg', '.jpg').replace(
                'IM0001', 'IM0001.dcm'))
    rows = read_table(out)
    assert len(rows) == 5
    printed = capsys.readouterr().out
    assert '5 of 5 images done' in printed
    assert '1 not images, left out' in printed and 'notes.txt' in printed


def test_bad_spacing_tag_costs_that_file_its_mm_only(tiny_checkpoint,
                                                     synthetic_root, tmp_path,
                                                     capsys):
    from ..dicom_files import write_dicom
    config, checkpoint = tiny_checkpoint
    grey = cv2.imread(f'{synthetic_root}/images/test_0000.png',
                      cv2.IMREAD_GRAYSCALE)
    images = tmp_path / 'in'
    images.mkdir()
    bad = write_dicom(
        images / 'bad.dcm',
        grey.astype(np.uint16) * 257,
        window=(32767.5, 65535),
        PixelSpacing='0.1')
    write_dicom(
        images / 'good.dcm',
        grey.astype(np.uint16) * 257,
        window=(32767.5, 65535),
        pixel_spacing=(0.2, 0.2))
    out = tmp_path / 'out'
    with pytest.warns(UserWarning, match='PixelSpacing'):
        assert run(config, checkpoint, [images], out) == 0
    bad_record = json.load(open(out / 'bad.json'))
    good_record = json.load(open(out / 'good.json'))
    assert bad_record['pixel_spacing'] is None
    assert all(lm['x_mm'] is None for lm in bad_record['landmarks'])
    assert bad_record['warnings'][0].startswith(bad)
    assert good_record['spacing_source'] == 'PixelSpacing'
    assert good_record['landmarks'][0]['x_mm'] == pytest.approx(
        good_record['landmarks'][0]['x_px'] * 0.2)
    assert 'warnings (spacing, radii, offsets)' in capsys.readouterr().out
    # spacing typed by hand gets the same check
    with pytest.raises(SystemExit):
        run(config, checkpoint, [images], out, '--spacing', '0')


def test_landmarks_outside_the_image_are_flagged(tiny_checkpoint,
                                                 synthetic_root, tmp_path):
    config, checkpoint = tiny_checkpoint
    strip = cv2.resize(
        cv2.imread(f'{synthetic_root}/images/test_0000.png'), (2000, 60))
    cv2.imwrite(str(tmp_path / 'strip.png'), strip)
    out = tmp_path / 'out'
    assert run(config, checkpoint, [tmp_path / 'strip.png'], out) == 0
    record = json.load(open(out / 'strip.json'))
    outside = [
        lm['name'] for lm in record['landmarks']
        if not (-0.5 <= lm['x_px'] <= 1999.5 and -0.5 <= lm['y_px'] <= 59.5)
    ]
    assert outside  # the model puts most of them on the padding
    assert outside == [
        lm['name'] for lm in record['landmarks']
        if 'outside_image' in lm['flags']
    ]
    row, = read_table(out)
    assert all(f'{name} (outside_image' in row['flagged'] for name in outside)


def test_flags_of_hand_made_landmarks():
    from hyatt_mmpose.apis import landmark_flags
    points = np.array([[0., 0.], [-0.6, 5.], [9.4, 4.], [5., 10.],
                       [np.nan, 1.], [3., 3.]])
    scores = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.])
    assert landmark_flags(points, scores, (10, 10)) == [[], ['outside_image'],
                                                        [], ['outside_image'],
                                                        ['outside_image'],
                                                        ['no_peak']]


def test_spacing_on_the_command_line(tiny_checkpoint, synthetic_root,
                                     tmp_path):
    config, checkpoint = tiny_checkpoint
    image = f'{synthetic_root}/images/test_0001.png'
    out = tmp_path / 'out'
    assert run(config, checkpoint, [image], out, '--spacing', '0.1',
               '0.2') == 0
    first = json.load(open(out / 'test_0001.json'))['landmarks'][0]
    assert first['x_mm'] == pytest.approx(first['x_px'] * 0.1)
    assert first['y_mm'] == pytest.approx(first['y_px'] * 0.2)
    row, = read_table(out)
    name = first['name']
    assert float(row[f'{name}_y_mm']) == pytest.approx(first['y_mm'])
    for bad in (['0.1', '0.2', '0.3'], ['-0.1']):
        with pytest.raises(SystemExit):
            run(config, checkpoint, [image], out, '--spacing', *bad)


def test_the_table_opens_in_spreadsheets_as_written(tiny_checkpoint,
                                                    synthetic_root, tmp_path,
                                                    monkeypatch):
    """Kind 6: without a byte-order mark Excel showed Müller_é as
    MÃ¼ller_Ã©, and file names starting with =, +, - or @ were cells it
    runs as formulas; numbers (negative ones too) must stay numbers."""
    config, checkpoint = tiny_checkpoint
    names = ['Müller_é.png', '=HYPERLINK(1).png', '+1.png', '-2.png', '@a.png']
    for name in names:
        shutil.copy(f'{synthetic_root}/images/test_0000.png', tmp_path / name)
    # a glob in the current folder: the table holds the names as found
    monkeypatch.chdir(tmp_path)
    assert run(config, checkpoint, ['*.png'], 'out') == 0
    assert (tmp_path / 'out' /
            'landmarks.csv').read_bytes().startswith(b'\xef\xbb\xbf')
    rows = read_table(tmp_path / 'out')
    assert sorted(row['image'] for row in rows) == sorted([
        'Müller_é.png', "'=HYPERLINK(1).png", "'+1.png", "'-2.png", "'@a.png"
    ])
    row = next(row for row in rows if row['image'] == "'-2.png")
    record = json.load(open(tmp_path / 'out' / '-2.json'))
    for lm in record['landmarks']:
        assert float(row[f'{lm["name"]}_x']) == lm['x_px']
    for column, cell in row.items():  # every other cell is a number
        if column not in ('image', 'flagged') and cell:
            float(cell)  # a quoted cell would raise
