"""Calibration and adaptation refuse images by content (issue #23, kind 1):
a radius is a promise about images the model has not seen, each counted
once, and an offset one about images it was not estimated on."""
import json
import os
import shutil

import cv2
import pytest
import torch

from hyatt_mmpose.apis import adapting, calibrating
from hyatt_mmpose.commands import adapt as adapt_tool


def _subset(root, split, out, copies=None, rename=None):
    """``annotations/<split>.json`` written to ``out`` with its images
    (optionally listed twice under new ids, or pointed at other files)."""
    doc = json.load(open(f'{root}/annotations/{split}.json'))
    if rename:
        for image in doc['images']:
            image['file_name'] = rename(image['file_name'])
    if copies:
        images, anns = list(doc['images']), list(doc['annotations'])
        for image, ann in zip(doc['images'], doc['annotations']):
            new_id = image['id'] + 1000
            images.append(dict(image, id=new_id))
            anns.append(dict(ann, id=ann['id'] + 1000, image_id=new_id))
        doc['images'], doc['annotations'] = images, anns
    with open(out, 'w') as f:
        json.dump(doc, f)
    return str(out)


def test_an_image_listed_twice_is_refused(tiny_checkpoint, synthetic_root,
                                          tmp_path):
    """The issue's case: each image listed twice under new ids would count
    as n = 2 n. Also (another member): two files with the same pixels."""
    config, checkpoint = tiny_checkpoint
    twice = _subset(synthetic_root, 'test', tmp_path / 'twice.json', True)
    with pytest.raises(ValueError, match='same pixels as image id'):
        calibrating.calibrate(config, checkpoint, twice, 'cal')
    folder = tmp_path / 'images'
    folder.mkdir()
    shutil.copy(f'{synthetic_root}/images/test_0000.png',
                folder / 'test_0001.png')
    for name in ('test_0000', 'test_0002', 'test_0003'):
        shutil.copy(f'{synthetic_root}/images/{name}.png', folder)
    copied = _subset(synthetic_root, 'test', tmp_path / 'copied.json')
    with pytest.raises(
            ValueError, match=r'test_0001\.png\) has the same pixels'):
        calibrating.calibrate(
            config, checkpoint, copied, 'cal', data_root=str(tmp_path))


@pytest.mark.parametrize('extension', ['.png', '.bmp'])
def test_training_images_elsewhere_are_refused(tiny_checkpoint, synthetic_root,
                                               tmp_path, extension):
    """The issue's case: byte-for-byte copies of training images in another
    folder. Another member: the same pixels saved as BMP."""
    config, checkpoint = tiny_checkpoint
    folder = tmp_path / 'elsewhere'
    folder.mkdir()
    for i in range(8):
        image = cv2.imread(f'{synthetic_root}/images/train_{i:04d}.png',
                           cv2.IMREAD_UNCHANGED)
        cv2.imwrite(str(folder / f'c{i}{extension}'), image)
    ann = _subset(
        synthetic_root,
        'train',
        tmp_path / 'cal.json',
        rename=lambda name: 'elsewhere/c' + str(int(name[-8:-4])) + extension)
    with pytest.raises(ValueError, match=r'8 image\(s\).*train\.json'):
        calibrating.calibrate(
            config, checkpoint, ann, 'cal', data_root=str(tmp_path))


@pytest.mark.slow
def test_missing_training_files_stop_the_check(tiny_checkpoint, synthetic_root,
                                               tmp_path, monkeypatch):
    """The issue's case: a checkpoint that does not record its images, its
    config's relative annotation files not found from another folder: an
    error, where the check used to be skipped."""
    config, checkpoint = tiny_checkpoint
    ckpt = torch.load(checkpoint, weights_only=False)
    del ckpt['meta']['seen_images']
    old = str(tmp_path / 'old.pth')
    torch.save(ckpt, old)
    project = tmp_path / 'project'
    project.mkdir()
    os.symlink(synthetic_root, project / 'data')
    cfg_text = open(config).read().replace(synthetic_root, 'data')
    (project / 'tiny.py').write_text(cfg_text)
    test_json = f'{synthetic_root}/annotations/test.json'
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
            FileNotFoundError,
            match=r'data/annotations/train\.json: the '
            'train_dataloader annotation file'):
        calibrating.calibrate(
            str(project / 'tiny.py'),
            old,
            test_json,
            'cal',
            data_root=synthetic_root)
    # where the data is, said as the message says, reaches the config
    # saved in the checkpoint too
    options = {
        f'{loader}.dataset.data_root': synthetic_root
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    }
    calibration = calibrating.calibrate(
        str(project / 'tiny.py'),
        old,
        test_json,
        'cal',
        coverage=0.5,
        cfg_options=options)
    assert calibration.n == 4
    with pytest.raises(ValueError, match=r'8 image\(s\).*train\.json'):
        calibrating.calibrate(
            str(project / 'tiny.py'),
            old,
            f'{synthetic_root}/annotations/train.json',
            'cal',
            cfg_options=options)
    # from the project folder the same check is made, and passes
    monkeypatch.chdir(project)
    calibration = calibrating.calibrate(
        'tiny.py', old, test_json, 'cal', coverage=0.5)
    assert calibration.n == 4


def test_an_empty_split_says_so(tiny_checkpoint, synthetic_root, tmp_path):
    config, checkpoint = tiny_checkpoint
    doc = json.load(open(f'{synthetic_root}/annotations/test.json'))
    doc['images'], doc['annotations'] = [], []
    empty = tmp_path / 'empty.json'
    empty.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r'empty\.json: no annotated images'):
        calibrating.calibrate(config, checkpoint, str(empty), 'cal')


def test_offsets_images_are_refused_as_calibration(tiny_checkpoint,
                                                   synthetic_root, tmp_path):
    """The issue's case: calibrating with site offsets on the images they
    were estimated on. Also: the offsets' images found by content when the
    calibration lists copies of them."""
    config, checkpoint = tiny_checkpoint
    work = tmp_path / 'site'
    assert adapt_tool.main([
        config, checkpoint, f'{synthetic_root}/annotations/test.json',
        '--num-images', '3', '--work-dir',
        str(work), '--offsets-only'
    ]) == 0
    with pytest.raises(
            ValueError,
            match=r'3 image\(s\).*site_offsets\.json was '
            'estimated on'):
        calibrating.calibrate(
            config,
            checkpoint,
            str(work / 'adapt_images.json'),
            'cal',
            site_offsets=str(work / 'site_offsets.json'))
    # the held-out image is not among them
    calibration = calibrating.calibrate(
        config,
        checkpoint,
        str(work / 'held_out.json'),
        'cal',
        coverage=0.5,
        site_offsets=str(work / 'site_offsets.json'))
    assert calibration.n == 1


def test_adapt_overwrite_leaves_no_stale_draw(tiny_checkpoint, synthetic_root,
                                              tmp_path):
    """The issue's case: after --overwrite with --held-out, the earlier
    run's held_out.json stayed beside the new draw."""
    config, checkpoint = tiny_checkpoint
    work = tmp_path / 'w'
    test_json = f'{synthetic_root}/annotations/test.json'
    assert adapt_tool.main([
        config, checkpoint, test_json, '--num-images', '2', '--work-dir',
        str(work), '--offsets-only'
    ]) == 0
    assert (work / 'held_out.json').exists()
    # the val images are not in the local set: they can be held out
    other = _subset(synthetic_root, 'val', tmp_path / 'val_held.json')
    assert adapt_tool.main([
        config, checkpoint, test_json, '--num-images', '3', '--held-out',
        other, '--work-dir',
        str(work), '--offsets-only', '--overwrite'
    ]) == 0
    assert not (work / 'held_out.json').exists()
    assert len(json.load(open(work / 'adapt_images.json'))['images']) == 3


@pytest.mark.parametrize('num_images', ['0', '-1'])
def test_adapt_refuses_a_draw_of_no_images(tiny_checkpoint, synthetic_root,
                                           tmp_path, num_images, capsys):
    config, checkpoint = tiny_checkpoint
    with pytest.raises(SystemExit):
        adapt_tool.main([
            config, checkpoint, f'{synthetic_root}/annotations/test.json',
            '--num-images', num_images, '--work-dir',
            str(tmp_path / 'w')
        ])
    assert '--num-images must be 1 or more' in capsys.readouterr().err
    with pytest.raises(ValueError, match='--num-images must be 1 or more'):
        adapting.adapt(config, checkpoint,
                       f'{synthetic_root}/annotations/test.json',
                       int(num_images), str(tmp_path / 'w'))
    assert not (tmp_path / 'w').exists()


def test_adapt_without_spacing_writes_nothing(tiny_checkpoint, synthetic_root,
                                              tmp_path):
    """The issue's case: images without spacing got a message about
    conformal radii after the draw files were written."""
    config, checkpoint = tiny_checkpoint
    doc = json.load(open(f'{synthetic_root}/annotations/test.json'))
    del doc['images'][2]['pixel_spacing']
    local = tmp_path / 'local.json'
    local.write_text(json.dumps(doc))
    with pytest.raises(
            ValueError,
            match=r'local\.json: 1 of 4 image\(s\), e\.g\. '
            'image id [0-9]+ .*test_0002.*site offsets'):
        adapting.adapt(
            config,
            checkpoint,
            str(local),
            2,
            str(tmp_path / 'w'),
            data_root=synthetic_root)
    assert not (tmp_path / 'w').exists()


@pytest.mark.slow
def test_images_of_an_unrecorded_parent_are_checked(tiny_checkpoint,
                                                    synthetic_root, tmp_path):
    """A model fine-tuned from a checkpoint that records no images: the
    parent's training images are read from the parent's own files, and a
    parent that is gone is named in a warning (not silently skipped)."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    from hyatt_mmpose.apis.annotated_splits import seen_images
    from hyatt_mmpose.datasets.image_identity import image_sha256
    from ..utils import tiny_config
    config, checkpoint = tiny_checkpoint
    bare = torch.load(checkpoint, weights_only=True)
    del bare['meta']['seen_images']
    parent = tmp_path / 'parent.pth'
    torch.save(bare, parent)
    cfg = tiny_config(synthetic_root, str(tmp_path / 'ft'), max_epochs=1)
    cfg.train_dataloader.dataset.ann_file = 'annotations/test.json'
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.load_from = str(parent)
    Runner.from_cfg(cfg).train()
    child = str(tmp_path / 'ft' / 'epoch_1.pth')
    meta = torch.load(child, weights_only=True)['meta']
    seen = seen_images(Config.fromfile(config), meta, child)
    train_doc = json.load(open(f'{synthetic_root}/annotations/train.json'))
    for image in train_doc['images']:
        digest = image_sha256(f'{synthetic_root}/{image["file_name"]}')
        assert 'train.json (train_dataloader)' in seen[digest]
    os.remove(parent)
    with pytest.warns(
            UserWarning,
            match='parent.pth, which records no '
            'training images and is not found'):
        seen = seen_images(Config.fromfile(config), meta, child)
    assert len(seen) == 4  # the child's own: the test split


def test_an_image_of_another_size_than_its_entry_is_refused(
        tiny_checkpoint, synthetic_root, tmp_path):
    """The trial's case: an entry saying 300 px wide for a 96-px image was
    calibrated on; the ground truth is in the entry's frame."""
    config, checkpoint = tiny_checkpoint
    doc = json.load(open(f'{synthetic_root}/annotations/test.json'))
    doc['images'][2]['width'] = 300
    ann = tmp_path / 'sized.json'
    ann.write_text(json.dumps(doc))
    with pytest.raises(
            ValueError,
            match=r'test_0002\.png is 96 x 96 px, its entry says '
            '300 x 96'):
        calibrating.calibrate(
            config, checkpoint, str(ann), 'cal', data_root=synthetic_root)
