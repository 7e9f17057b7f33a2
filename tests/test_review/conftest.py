"""Fixtures of the review's tests."""
import pytest

from .review_folders import write_folder


@pytest.fixture
def predictions(tmp_path) -> str:
    """A folder of three ISBI 2015 predictions, calibrated."""
    return write_folder(tmp_path)
