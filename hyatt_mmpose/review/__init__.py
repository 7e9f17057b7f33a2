"""Reviewing predictions in a browser: ``tools/review.py`` serves a page on
which a person checks, corrects and reports a folder of
``tools/predict.py``; the corrections are saved as they are made, as a
record per image, a log and a COCO landmark file for training
(:mod:`.review_store`)."""
from .review_measurements import UNITS, measurement_table, measurements_using
from .review_store import (ANNOTATIONS_NAME, LOG_NAME, REVIEW_FOLDER, RULER,
                           ReviewFileError, ReviewFolderError,
                           ReviewRequestError, ReviewStore, UnknownImageError,
                           find_records)

__all__ = [
    'ANNOTATIONS_NAME', 'LOG_NAME', 'REVIEW_FOLDER', 'RULER',
    'ReviewFileError', 'ReviewFolderError', 'ReviewRequestError',
    'ReviewStore', 'UNITS', 'UnknownImageError', 'find_records',
    'measurement_table', 'measurements_using'
]
