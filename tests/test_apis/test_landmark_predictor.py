import json
import os

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.registry import DATASETS

from hyatt_mmpose.apis import LandmarkPredictor
from ..dicom_files import write_dicom


def test_path_and_array_give_the_same_landmarks_in_mm(tiny_checkpoint,
                                                      synthetic_root):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint, batch_size=2)
    paths = [f'{synthetic_root}/images/test_{i:04d}.png' for i in range(3)]
    by_path = predictor.predict(paths, pixel_spacing=0.5)
    # Compared at the same batch size: CPU kernels differ between sizes in
    # the last digits, which DARK decoding turns into ~0.04 px.
    single = predictor.predict(paths[1])[0]
    array = cv2.imread(paths[1], cv2.IMREAD_GRAYSCALE)
    by_array = predictor.predict(array)[0]
    assert len(by_path) == 3
    assert by_path[1]['names'][0] == 'cranial_base_0'
    assert by_path[1]['landmarks_px'].shape == (19, 2)
    assert by_path[1]['scores'].shape == (19, )
    np.testing.assert_allclose(
        by_array['landmarks_px'], single['landmarks_px'], atol=1e-4)
    np.testing.assert_allclose(
        single['landmarks_px'], by_path[1]['landmarks_px'], atol=0.2)
    np.testing.assert_allclose(by_path[1]['landmarks_mm'],
                               by_path[1]['landmarks_px'] * 0.5)
    assert by_array['landmarks_mm'] is None
    anisotropic = predictor.predict(paths[0], pixel_spacing=[0.1, 0.2])[0]
    np.testing.assert_allclose(anisotropic['landmarks_mm'],
                               anisotropic['landmarks_px'] * [0.1, 0.2])


def test_unreadable_files_are_named(tiny_checkpoint, tmp_path):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint)
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.png: the file is empty'):
        predictor.predict(str(empty))
    with pytest.raises(FileNotFoundError, match='missing.png: no such file'):
        predictor.predict(str(tmp_path / 'missing.png'))


def test_png_16_bit_and_dicom_give_the_same_landmarks(tiny_checkpoint,
                                                      synthetic_root,
                                                      tmp_path):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint)
    gray = cv2.imread(f'{synthetic_root}/images/test_0002.png',
                      cv2.IMREAD_GRAYSCALE)
    cv2.imwrite(str(tmp_path / 'a.png'), gray)
    cv2.imwrite(str(tmp_path / 'b.png'), gray.astype(np.uint16) * 257)
    dcm = write_dicom(
        tmp_path / 'c.dcm',
        gray.astype(np.uint16) * 257,
        window=(32767.5, 65535),
        pixel_spacing=(0.3, 0.2))
    results = [
        predictor.predict(str(tmp_path / n))[0] for n in ('a.png', 'b.png')
    ] + [predictor.predict(dcm)[0]]
    for result in results[1:]:
        np.testing.assert_allclose(
            result['landmarks_px'], results[0]['landmarks_px'], atol=1e-4)
    dicom = results[2]
    assert dicom['spacing_source'] == 'PixelSpacing'
    np.testing.assert_allclose(dicom['landmarks_mm'],
                               dicom['landmarks_px'] * [0.2, 0.3])
    assert results[0]['landmarks_mm'] is None
    given = predictor.predict(dcm, pixel_spacing=0.5)[0]
    assert given['spacing_source'] == 'given'


def test_uint16_array_and_file_give_the_same_landmarks(tiny_checkpoint,
                                                       synthetic_root,
                                                       tmp_path):
    config, checkpoint = tiny_checkpoint
    grey = cv2.imread(f'{synthetic_root}/images/test_0002.png',
                      cv2.IMREAD_GRAYSCALE)
    twelve_bit = grey.astype(np.uint16) * 16  # 12-bit values in 16 bits
    path = str(tmp_path / 'ceph12.png')
    cv2.imwrite(path, twelve_bit)
    predictor = LandmarkPredictor(config, checkpoint, batch_size=1)
    from_file, from_array, from_8bit = (
        predictor.predict(x)[0] for x in (path, twelve_bit, grey))
    np.testing.assert_allclose(
        from_array['landmarks_px'], from_file['landmarks_px'], atol=1e-6)
    # 16 * v / 4095 * 255 is v within rounding: the 8-bit image's answer
    np.testing.assert_allclose(
        from_file['landmarks_px'], from_8bit['landmarks_px'], atol=0.5)


def test_spacing_per_image_is_explicit(tiny_checkpoint, synthetic_root):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint, batch_size=2)
    paths = [f'{synthetic_root}/images/test_{i:04d}.png' for i in range(2)]
    each = predictor.predict(paths, pixel_spacings=[0.1, 0.144])
    for result, spacing in zip(each, (0.1, 0.144)):
        np.testing.assert_allclose(result['landmarks_mm'],
                                   result['landmarks_px'] * spacing)
    # the same list as pixel_spacing is one (x, y) spacing for both
    both = predictor.predict(paths, pixel_spacing=[0.1, 0.144])
    for result in both:
        np.testing.assert_allclose(result['landmarks_mm'],
                                   result['landmarks_px'] * [0.1, 0.144])
    with pytest.raises(ValueError, match='pixel_spacings has 3 entries'):
        predictor.predict(paths, pixel_spacings=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match='use pixel_spacings'):
        predictor.predict(paths * 2, pixel_spacing=[0.1, 0.1, 0.2, 0.2])
    with pytest.raises(ValueError, match='not both'):
        predictor.predict(paths, 0.1, pixel_spacings=[0.1, 0.1])


def cropped_test_set(synthetic_root: str, out: str, height: int) -> str:
    """The synthetic test set with every image cut to its top ``height``
    rows (non-square), its annotation file saying so."""
    with open(f'{synthetic_root}/annotations/test.json') as f:
        document = json.load(f)
    os.makedirs(f'{out}/images')
    for entry in document['images']:
        image = cv2.imread(f'{synthetic_root}/{entry["file_name"]}',
                           cv2.IMREAD_GRAYSCALE)
        cv2.imwrite(f'{out}/{entry["file_name"]}', image[:height])
        entry['height'] = height
    with open(f'{out}/test.json', 'w') as f:
        json.dump(document, f)
    return f'{out}/test.json'


@pytest.mark.parametrize('height', [None, 72])
def test_dataset_and_predictor_frame_an_image_alike(tiny_checkpoint,
                                                    synthetic_root, tmp_path,
                                                    height):
    """Issue #23: tools/test.py (the config's test set through the dataset's
    pipeline) framed an image by its bbox clipped to (W - 1, H - 1), the
    predictor by [0, 0, W, H]; the same file's landmarks differed. Both now
    frame the whole image: centre (W / 2, H / 2), scale the image's larger
    side (the 64 x 64 input's aspect), the same landmarks. Other member: a
    non-square image (96 x 72)."""
    config, checkpoint = tiny_checkpoint
    cfg = Config.fromfile(config)
    dataset_cfg = cfg.test_dataloader.dataset
    if height is not None:
        dataset_cfg.update(
            data_root=str(tmp_path),
            ann_file=cropped_test_set(synthetic_root, str(tmp_path), height))
    dataset = DATASETS.build(dataset_cfg)
    predictor = LandmarkPredictor(cfg, checkpoint, batch_size=1)
    for i in range(len(dataset)):
        data = dataset[i]
        h, w = data['data_samples'].ori_shape
        assert (w, h) == (96, height or 96)
        np.testing.assert_allclose(data['data_samples'].input_center,
                                   [w / 2, h / 2])
        np.testing.assert_allclose(data['data_samples'].input_scale,
                                   [max(w, h)] * 2)
        tested = predictor.model.test_step(pseudo_collate([data]))[0]
        predicted = predictor.predict(tested.img_path)[0]
        np.testing.assert_allclose(
            tested.pred_instances.keypoints[0],
            predicted['landmarks_px'],
            atol=1e-4)


def test_a_landmark_without_a_peak_is_flagged_at_its_marker(
        tiny_checkpoint, synthetic_root):
    """Landmark 0's heatmaps flat at -0.01 at every level: the decoder's
    marker, input pixel (-1, -1), mapped to the image (the 96-pixel image
    framed whole at a 64-pixel input: -1.5), not the mean of the levels'
    markers (-2.33 input pixels, the old answer); its score is the levels'
    maximum, and it is flagged."""
    from hyatt_mmpose.apis.landmark_checks import NO_PEAK
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint)
    head = predictor.model.head
    for level in (head.level_s4, head.level_s2, head.level_s1):
        level[-1].weight.data[0] = 0
        level[-1].bias.data[0] = -0.01
    result = predictor.predict(f'{synthetic_root}/images/test_0000.png')[0]
    np.testing.assert_allclose(result['landmarks_px'][0], [-1 * 96 / 64] * 2)
    assert result['scores'][0] == pytest.approx(-0.01, abs=1e-6)
    assert NO_PEAK in result['flags'][0]
    peaked = result['scores'] > 0
    assert peaked[1:].any()
    assert not any(NO_PEAK in f for f, p in zip(result['flags'], peaked) if p)
