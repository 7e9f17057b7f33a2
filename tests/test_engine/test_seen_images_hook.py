"""SeenImagesHook: a checkpoint records the images it has seen, by pixels."""
import json

import pytest
import torch

from hyatt_mmpose.datasets.image_identity import image_sha256


def _digests(root, split):
    doc = json.load(open(f'{root}/annotations/{split}.json'))
    return {image_sha256(f'{root}/{i["file_name"]}') for i in doc['images']}


def test_checkpoint_records_train_and_val_images(tiny_checkpoint,
                                                 synthetic_root):
    _, checkpoint = tiny_checkpoint
    meta = torch.load(checkpoint, weights_only=True)['meta']
    seen = meta['seen_images']
    assert set(seen['train_dataloader']) == _digests(synthetic_root, 'train')
    assert set(seen['val_dataloader']) == _digests(synthetic_root, 'val')
    assert len(seen['train_dataloader']) == 8
    assert 'seen_images_unrecorded' not in meta


@pytest.mark.slow
def test_a_run_loaded_from_a_checkpoint_keeps_its_images(
        tiny_checkpoint, synthetic_root, tmp_path):
    """Fine-tuning on the test split from the tiny checkpoint: the new
    checkpoint has seen the old one's images too; and one loaded from a
    checkpoint without the record names it."""
    from mmengine.runner import Runner

    from ..utils import tiny_config
    _, checkpoint = tiny_checkpoint
    bare = torch.load(checkpoint, weights_only=True)
    del bare['meta']['seen_images']
    torch.save(bare, tmp_path / 'bare.pth')
    for load_from, name in ((checkpoint, 'ft'), (str(tmp_path / 'bare.pth'),
                                                 'ft_bare')):
        cfg = tiny_config(synthetic_root, str(tmp_path / name), max_epochs=1)
        cfg.train_dataloader.dataset.ann_file = 'annotations/test.json'
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
        cfg.load_from = load_from
        Runner.from_cfg(cfg).train()
        meta = torch.load(
            tmp_path / name / 'epoch_1.pth', weights_only=True)['meta']
        train = set(meta['seen_images']['train_dataloader'])
        if name == 'ft':
            assert train == _digests(synthetic_root, 'train') | _digests(
                synthetic_root, 'test')
            assert set(meta['seen_images']['val_dataloader']) == _digests(
                synthetic_root, 'val')
        else:
            assert train == _digests(synthetic_root, 'test')
            assert meta['seen_images_unrecorded'] == [load_from]


def test_an_image_of_another_size_than_its_entry_stops_training(
        synthetic_root, tmp_path):
    """Refused with the file named before the first step, not as a
    traceback from a DataLoader worker."""
    import pytest
    from mmengine.runner import Runner

    from hyatt_mmpose.datasets import ConversionError
    from ..utils import tiny_config
    doc = json.load(open(f'{synthetic_root}/annotations/train.json'))
    doc['images'][3]['width'] += 1
    ann = tmp_path / 'train.json'
    ann.write_text(json.dumps(doc))
    cfg = tiny_config(synthetic_root, str(tmp_path / 'run'), max_epochs=1)
    cfg.train_dataloader.dataset.ann_file = str(ann)
    with pytest.raises(
            ConversionError,
            match=r'train_0003\.png is 96 x 96 px, its entry '
            'says 97 x 96'):
        Runner.from_cfg(cfg).train()
    assert not list((tmp_path / 'run').rglob('*.pth'))
