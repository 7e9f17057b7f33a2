"""Dataset converters: each dataset's layout read, checked and written as
hyatt_mmpose's COCO-style JSON, on shared readers, checks, split and
writer. ``tools/dataset_converters`` holds their command lines."""
from .aariz import convert_aariz
from .cldetection2023 import convert_cldetection2023
from .coco_writer import coco_document, landmark_annotation, write_coco
from .entries import entry_errors, to_number
from .errors import ConversionError, InputNotFoundError
from .generic import convert_generic
from .hand import convert_hand
from .isbi2015 import convert_isbi2015, read_isbi2015_points
from .metaimage import iter_slices
from .records import LandmarkRecord, ground_truth_points, image_size, validate
from .reports import format_counts, report_skipped
from .splits import seeded_split
from .text_files import (TEXT_ENCODING, open_input, read_csv_rows, read_json,
                         read_lines, read_point_lines, read_text)

__all__ = [
    'ConversionError', 'InputNotFoundError', 'LandmarkRecord', 'TEXT_ENCODING',
    'coco_document', 'convert_aariz', 'convert_cldetection2023',
    'convert_generic', 'convert_hand', 'convert_isbi2015', 'entry_errors',
    'format_counts', 'ground_truth_points', 'image_size', 'iter_slices',
    'landmark_annotation', 'open_input', 'read_csv_rows',
    'read_isbi2015_points', 'read_json', 'read_lines', 'read_point_lines',
    'read_text', 'report_skipped', 'seeded_split', 'to_number', 'validate',
    'write_coco'
]
