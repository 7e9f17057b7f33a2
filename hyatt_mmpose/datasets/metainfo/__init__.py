"""Metainfo files of the landmark datasets (mmpose's ``dataset_info``)."""
import os.path as osp
from typing import List

from mmengine.config import Config

METAINFO_DIR = osp.dirname(osp.abspath(__file__))


def metainfo_file(name: str) -> str:
    path = osp.join(METAINFO_DIR, f'{name}.py')
    if not osp.exists(path):
        raise FileNotFoundError(f'no metainfo file {path}')
    return path


def landmark_names(name: str) -> List[str]:
    """Landmark names of a dataset, in order."""
    info = Config.fromfile(metainfo_file(name)).dataset_info.keypoint_info
    return [info[i]['name'] for i in sorted(info)]


__all__ = ['METAINFO_DIR', 'metainfo_file', 'landmark_names']
