"""What every dataset converter (and the synthetic set) shares: records,
their validation, and writing hyatt_mmpose's COCO-style JSON without
overwriting anything; and reading their inputs so that every error names
the file and line."""
import csv
import io
import json
import math
import os.path as osp
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from ..utils.atomic_write import atomic_write


# Spreadsheets save "CSV UTF-8" with a byte-order mark, which 'utf-8' keeps
# as '\ufeff' at the start of the first cell; 'utf-8-sig' drops it if there.
TEXT_ENCODING = 'utf-8-sig'


class ConversionError(ValueError):
    """An input entry is unusable; the message names its file and line."""


class InputNotFoundError(ConversionError, FileNotFoundError):
    """An input file is missing; the message names it.

    A :class:`ConversionError`, so that ``--skip-bad`` can leave the entry
    out, and a :class:`FileNotFoundError`, as callers expect of a missing
    file.
    """


def open_input(path: str, what: str = 'file', mode: str = 'rb') -> IO:
    """Opens an input file; failing, says which file and why.

    Args:
        path (str): The file.
        what (str): What the file is (``'annotation file'``), for messages.
        mode (str): As for :func:`open`.

    Raises:
        InputNotFoundError: If there is no such file.
        ConversionError: If it cannot be opened (a folder, no permission).
    """
    try:
        return open(path, mode)
    except FileNotFoundError:
        raise InputNotFoundError(f'{path}: {what} not found') from None
    except OSError as err:
        raise ConversionError(
            f'{path}: {what} cannot be read ({err.strerror or err})') from err


def read_text(path: str, what: str = 'file') -> str:
    """The text of a UTF-8 file, with or without a byte-order mark.

    Line endings are kept as written: :func:`read_lines` and
    :func:`read_csv_rows` take LF, CRLF (Windows) and CR alike.

    Raises:
        InputNotFoundError: If there is no such file.
        ConversionError: If it cannot be read or is not UTF-8 (naming the
            line of the first bad byte).
    """
    with open_input(path, what) as f:
        data = f.read()
    try:
        return data.decode(TEXT_ENCODING)
    except UnicodeDecodeError as err:
        line = data.count(b'\n', 0, err.start) + 1
        raise ConversionError(
            f'{path}:{line}: {what} is not UTF-8 text (byte '
            f'{data[err.start]:#04x}); save it as UTF-8 ("CSV UTF-8" in a '
            'spreadsheet)') from err


def read_lines(path: str, what: str = 'file') -> List[Tuple[int, str]]:
    """The non-blank lines of a text file, stripped, with their numbers.

    Blank lines (trailing ones, most often) are left out, so that the
    numbers are those an editor shows.
    """
    # newline=None reads \r\n and \r as \n (str.splitlines would also
    # split on form feeds and the like, and so miscount lines).
    text = io.StringIO(read_text(path, what), newline=None)
    return [(line_no, line.strip()) for line_no, line in enumerate(text, 1)
            if line.strip()]


def read_csv_rows(path: str,
                  what: str = 'CSV file') -> List[Tuple[int, List[str]]]:
    """The rows of a CSV file as ``(line number, stripped cells)``.

    Rows whose cells are all blank (the trailing ``,,,`` rows spreadsheets
    write, or empty lines) are left out. A row's number is that of the line
    it starts on.

    Raises:
        ConversionError: Naming the line its row starts on, if the file is
            not valid CSV (an unclosed quote, say).
    """
    # strict: an unclosed quote is an error, not the rest of the file
    # swallowed into one cell.
    reader = csv.reader(
        io.StringIO(read_text(path, what), newline=''), strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        raise ConversionError(
            f'{path}:{start}: {what} is not valid CSV ({err}); check the '
            'quotes from that line on') from err
    return rows


def read_json(path: str, what: str = 'JSON file'):
    """A JSON document, UTF-8 with or without a byte-order mark.

    Raises:
        InputNotFoundError: If there is no such file.
        ConversionError: Naming line and column, if it is not valid JSON.
    """
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ConversionError(
            f'{path}:{err.lineno}:{err.colno}: {what} is not valid JSON '
            f'({err.msg}); fix it there or write it again') from err


def read_point_lines(path: str, count: int,
                     what: str = 'annotation file') -> np.ndarray:
    """The first ``count`` ``x,y`` lines of a text file, as ``(count, 2)``.

    Lines after them are ignored (ISBI 2015's files add some); blank lines
    are skipped.

    Raises:
        ConversionError: Naming the line, if one is not ``x,y``, or the
            file, if it has fewer than ``count`` of them.
    """
    points = []
    for line_no, line in read_lines(path, what)[:count]:
        cells = line.split(',')
        if len(cells) != 2:
            raise ConversionError(
                f'{path}:{line_no}: expected "x,y", got {line!r}')
        points.append([
            to_number(v, f'{path}:{line_no}', axis)
            for v, axis in zip(cells, 'xy')
        ])
    if len(points) < count:
        raise ConversionError(
            f'{path}: {len(points)} landmarks, expected {count} "x,y" lines')
    return np.array(points, dtype=np.float64).reshape(-1, 2)


@contextmanager
def entry_errors(where: str, expected: str) -> Iterator[None]:
    """Re-raises what a malformed entry raises as a ConversionError.

    The ``KeyError`` of a missing field, or the ``TypeError``,
    ``ValueError``, ``IndexError`` or ``AttributeError`` of a value of the
    wrong kind, becomes a :class:`ConversionError` that names the entry and
    the form expected (the original error is kept as its cause).

    Args:
        where (str): The file and entry, e.g. ``'gt.json, points[3]'``.
        expected (str): The entry's expected form, quoted as the fix.
    """
    try:
        yield
    except ConversionError:
        raise
    except KeyError as err:
        raise ConversionError(
            f'{where}: missing field {err}; expected {expected}') from err
    except (TypeError, ValueError, IndexError, AttributeError) as err:
        raise ConversionError(
            f'{where}: {err} ({type(err).__name__}); expected '
            f'{expected}') from err


def to_number(value, where: str, field: str, integer: bool = False,
              positive: bool = False):
    """A cell or JSON value as a finite number.

    Args:
        value: The text or value read.
        where (str): The file and line (or entry), for the message.
        field (str): What the value is (``'x1'``, ``'pixel size'``).
        integer (bool): Whether it must be a whole number (``'3142'`` and
            ``'3142.0'`` both give ``3142``).
        positive (bool): Whether it must be above zero.

    Returns:
        float | int: The number.

    Raises:
        ConversionError: Naming ``where`` and ``field``, if it is not one.
    """
    kind = ('positive ' if positive else '') + (
        'whole number' if integer else 'number')
    message = f'{where}: {field} must be a {kind}, got {value!r}'
    try:
        # float(True) is 1.0: a JSON true is no coordinate.
        if isinstance(value, bool):
            raise TypeError('a boolean')
        number = float(value)
    except (TypeError, ValueError) as err:
        raise ConversionError(message) from err
    if not math.isfinite(number) or (positive and number <= 0) or (
            integer and not number.is_integer()):
        raise ConversionError(message)
    return int(number) if integer else number


@dataclass
class LandmarkRecord:
    """One image and its landmarks, as read from a dataset's own layout.

    Args:
        img_id (int): Unique id of the image.
        file_name (str): Image path relative to the data root.
        points (np.ndarray): ``(K, 2)`` landmarks ``(x, y)`` in pixels.
        source (str): Where the landmarks came from (``file`` or
            ``file:line``), for error messages.
        pixel_spacing: mm per pixel, a number or ``[x, y]``; None if unknown.
    """
    img_id: int
    file_name: str
    points: np.ndarray
    source: str
    pixel_spacing: Optional[object] = None


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image, decoding it fully to catch truncation."""
    try:
        with Image.open(path) as img:
            img.load()
            return img.size
    except FileNotFoundError:
        raise ConversionError(f'{path}: image not found') from None
    except Exception as err:  # PIL raises several types for bad files
        raise ConversionError(
            f'{path}: image cannot be read ({err}); replace the file or '
            'pass --skip-bad to leave it out') from None


def validate(records: Sequence[LandmarkRecord], data_root: str,
             num_landmarks: int,
             skip_bad: bool = False) -> Tuple[List[dict], List[str]]:
    """Checks each record and measures its image.

    Checks: the image is readable, there are ``num_landmarks`` points, every
    point lies inside the image, no id is repeated.

    Returns:
        tuple: the good records as ``(record, width, height)`` tuples, and a
        message for each record left out (only with ``skip_bad``).

    Raises:
        ConversionError: on the first bad record, unless ``skip_bad``.
    """
    good, bad = [], []
    seen: Dict[int, str] = {}
    for rec in records:
        try:
            if rec.img_id in seen:
                raise ConversionError(
                    f'{rec.source}: id {rec.img_id} is duplicated (first in '
                    f'{seen[rec.img_id]}); ids must be unique')
            if rec.points.shape != (num_landmarks, 2):
                raise ConversionError(
                    f'{rec.source}: {len(rec.points)} landmarks, expected '
                    f'{num_landmarks}')
            missing = np.flatnonzero(~np.isfinite(rec.points).all(axis=1))
            if missing.size:
                raise ConversionError(
                    f'{rec.source}: landmark {int(missing[0]) + 1} is '
                    'missing or not a number')
            w, h = image_size(osp.join(data_root, rec.file_name))
            outside = np.flatnonzero((rec.points[:, 0] < 0)
                                     | (rec.points[:, 0] >= w)
                                     | (rec.points[:, 1] < 0)
                                     | (rec.points[:, 1] >= h))
            if outside.size:
                k = int(outside[0])
                raise ConversionError(
                    f'{rec.source}: landmark {k + 1} at '
                    f'{tuple(rec.points[k].tolist())} lies outside the '
                    f'{w} x {h} image {rec.file_name}')
        except ConversionError as err:
            if not skip_bad:
                raise
            bad.append(str(err))
            continue
        seen[rec.img_id] = rec.source
        good.append((rec, w, h))
    return good, bad


def ground_truth_points(doctors: Dict[str, np.ndarray], ground_truth: str,
                        where: str) -> np.ndarray:
    """The senior's, the junior's, or the mean of both doctors' points.

    Args:
        doctors (dict): ``'senior'`` and ``'junior'`` ``(K, 2)`` points.
        ground_truth (str): ``'senior'``, ``'junior'`` or ``'mean'``.
        where (str): The annotation, for the error message.
    """
    if ground_truth != 'mean':
        return doctors[ground_truth]
    senior, junior = doctors['senior'], doctors['junior']
    if senior.shape != junior.shape:
        raise ConversionError(
            f'{where}: senior and junior give {len(senior)} and '
            f'{len(junior)} landmarks; use --ground-truth senior or junior')
    return (senior + junior) / 2


def check_outputs_free(paths: Sequence[str], overwrite: bool) -> None:
    """Refuses to replace existing outputs unless asked to."""
    existing = [p for p in paths if osp.exists(p)]
    if existing and not overwrite:
        raise FileExistsError(
            f'{existing[0]} already exists; pass --overwrite to replace it')


def landmark_annotation(img_id: int, points: np.ndarray, width: int,
                        height: int) -> dict:
    """The one instance of an image: whole-image bbox, (K, 2) points, all
    annotated."""
    keypoints = []
    for x, y in points.tolist():
        keypoints += [x, y, 2]
    return dict(
        id=img_id,
        image_id=img_id,
        category_id=1,
        bbox=[0, 0, width, height],
        area=float(width * height),
        iscrowd=0,
        num_keypoints=len(points),
        keypoints=keypoints)


def coco_document(images: list, annotations: list, names: List[str],
                  category: str) -> dict:
    return dict(
        images=images,
        annotations=annotations,
        categories=[
            dict(id=1, name=category, keypoints=list(names), skeleton=[])
        ])


def write_json_atomic(path: str, document: dict) -> None:
    """Writes JSON atomically (see :func:`atomic_write`)."""
    with atomic_write(path) as f:
        json.dump(document, f)


def write_split(path: str, items: Sequence[tuple], names: Sequence[str],
                category: str) -> None:
    """Writes validated ``(record, width, height)`` items as one JSON."""
    images, annotations = [], []
    for rec, w, h in items:
        image = dict(id=rec.img_id, file_name=rec.file_name, width=w,
                     height=h)
        if rec.pixel_spacing is not None:
            image['pixel_spacing'] = rec.pixel_spacing
        images.append(image)
        annotations.append(landmark_annotation(rec.img_id, rec.points, w, h))
    write_json_atomic(path, coco_document(images, annotations, names,
                                          category))


def report_skipped(bad: Sequence[str]) -> None:
    if bad:
        print(f'skipped {len(bad)} bad entries:')
        for message in bad:
            print(f'  {message}')
