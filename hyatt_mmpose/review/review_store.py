"""The state of a review of a prediction folder, kept in files.

A folder that ``tools/predict.py`` wrote (its ``<name>.json`` records, read
with :func:`~hyatt_mmpose.apis.read_prediction`) is reviewed in place; what
predict wrote is never changed, and everything the review writes lies under
``PREDICTIONS_DIR/review/``:

- ``review/images/<name>.json``: the prediction's record with, per
  landmark, its
  reviewed position (``x_px``, ``y_px``, and ``x_mm``, ``y_mm`` where the
  spacing is known), the model's (``model_x_px``, ``model_y_px``), whether
  it was ``moved``, ``moved_by`` whom and ``moved_at`` when; the spacing and
  its ``spacing_source`` (``'ruler'`` after a ruler, whose points and length
  are in ``ruler``); ``reviewed`` (``done``, ``by``, ``at``); ``undo`` (the
  changes that Ctrl+Z takes back, last last); ``cephalometry`` (see
  :func:`.measurement_table`) and ``predicted_cephalometry`` (the
  prediction's);
- ``review/review_log.jsonl``: one line per change (``time``,
  ``reviewer``, ``image``, ``landmark``, ``from``, ``to``, ``action``;
  ``reason`` where a change took an image's review back, as a reset or an
  undo that leaves a landmark without position does), only ever appended;
- ``review/annotations.json``: the reviewed images in the project's COCO
  landmark format (keypoints in image pixels, per-image ``pixel_spacing``,
  the model's landmark order; image paths absolute; a reviewed image
  with a landmark without position is left out, named in its ``info``
  ``left_out``), which
  :class:`~hyatt_mmpose.datasets.LandmarkDataset`, ``tools/adapt.py`` and
  ``tools/calibrate.py --ann-file`` read.

The states lie in a folder of their own, so that no image's name (an
``annotations.png``) meets the review's other files. A folder whose
``review/`` holds prediction records (predict keeps the input's
subfolders: an input subfolder named ``review``) is refused.

Every change is saved at once, each file atomically, under a lock on the
folder, and every read reads the files: two tabs or two servers on one
folder see each other's work and never lose a change.
"""
import contextlib
import copy
import fcntl
import json
import math
import os
import os.path as osp
import warnings
from datetime import datetime, timezone
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..apis.prediction_records import read_prediction
from ..datasets.converters.coco_writer import (coco_document,
                                               landmark_annotation)
from ..datasets.image_io import read_radiograph
from ..utils import atomic_write
from .review_measurements import measurement_table

#: The folder, under the predictions, that the review writes in.
REVIEW_FOLDER = 'review'
#: The folder of the images' review states, in the review folder.
STATES_FOLDER = 'images'
#: The log of every change, in the review folder.
LOG_NAME = 'review_log.jsonl'
#: The reviewed images as COCO landmarks, in the review folder.
ANNOTATIONS_NAME = 'annotations.json'
#: ``spacing_source`` of a spacing set with the ruler.
RULER = 'ruler'
#: The spacings, in mm per pixel, that a ruler may set: beyond them lies
#: a slip (a length typed in m or um), not a radiograph.
RULER_SPACING_MM = (0.001, 10.0)


class ReviewFolderError(ValueError):
    """A folder that cannot be reviewed (names the file and the fix)."""


class ReviewRequestError(ValueError):
    """A change refused before anything is written (says why)."""


class UnknownImageError(LookupError):
    """An image that the folder's predictions do not name."""


class ReviewFileError(RuntimeError):
    """A file that the review cannot read or write: a corrupt state, an
    unreadable image, a report that fails (the message starts with the
    file)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec='seconds')


def find_records(predictions_dir: str) -> Dict[str, str]:
    """The prediction records of a folder, by name.

    Args:
        predictions_dir (str): A folder of ``tools/predict.py``.

    Returns:
        dict: Each record's name (its path relative to the folder, without
        ``.json``, with ``/``) to its file, sorted by name; the review
        folder is left out.
    """
    found = {}
    for folder, subfolders, files in os.walk(predictions_dir):
        if osp.samefile(folder, predictions_dir):
            subfolders[:] = [s for s in subfolders if s != REVIEW_FOLDER]
        for file in files:
            if file.endswith('.json'):
                path = osp.join(folder, file)
                name = osp.relpath(path, predictions_dir)[:-len('.json')]
                found[name.replace(os.sep, '/')] = path
    return dict(sorted(found.items()))


class ReviewStore:
    """A prediction folder under review: its images, their state, and every
    change, saved at once (the module's docstring lists the files).

    Args:
        predictions_dir (str): A folder of ``tools/predict.py``.
        reviewer (str): Who makes the changes (recorded with each).

    Raises:
        ReviewFolderError: If the folder holds no prediction records, a
            record that cannot be read or was written by another version
            of hyatt_mmpose, records of different models (their
            landmarks, or their config's or checkpoint's SHA-256), a
            record whose image is missing (each names the file), or
            prediction records in its ``review/`` (names it). Relative
            image paths are taken from the current folder, as
            ``tools/predict.py`` took them.
    """

    def __init__(self, predictions_dir: str, reviewer: str):
        self.predictions_dir = osp.abspath(predictions_dir)
        self.review_dir = osp.join(self.predictions_dir, REVIEW_FOLDER)
        self.reviewer = reviewer
        self.states_dir = osp.join(self.review_dir, STATES_FOLDER)
        if not osp.isdir(self.predictions_dir):
            raise ReviewFolderError(
                f'{predictions_dir}: no such folder; give the --out-dir of '
                'tools/predict.py')
        self.record_files = find_records(self.predictions_dir)
        if not self.record_files:
            raise ReviewFolderError(
                f'{predictions_dir}: no <name>.json of tools/predict.py in '
                'it; give the --out-dir of a prediction run')
        _refuse_records_under_review(self.review_dir)
        self.records = {}
        for name, path in self.record_files.items():
            try:
                self.records[name] = read_prediction(path)
            except ValueError as err:
                raise ReviewFolderError(str(err)) from None
        self.names: List[str] = [
            lm['name'] for lm in next(iter(self.records.values()))['landmarks']
        ]
        self.image_paths = {}
        for name, record in self.records.items():
            landmarks = [lm['name'] for lm in record['landmarks']]
            if landmarks != self.names:
                raise ReviewFolderError(
                    f'{self.record_files[name]}: its landmarks are not those '
                    f'of {next(iter(self.record_files.values()))}; review '
                    "one model's predictions at a time")
            self._check_same_model(name)
            image = osp.abspath(record['image'])
            if not osp.isfile(image):
                raise ReviewFolderError(
                    f'{self.record_files[name]}: its image {record["image"]} '
                    f'({image}) does not exist; run tools/review.py from the '
                    'folder tools/predict.py was run in, or put the image '
                    'back')
            self.image_paths[name] = image
        # (width, height) per image, read once: images do not change
        self._sizes: Dict[str, Tuple[int, int]] = {}

    def _check_same_model(self, name: str) -> None:
        """Refuses a record whose model's config or checkpoint (their
        SHA-256) differs from the first record's; a digest that either did
        not record tells nothing, and is passed over."""
        first = next(iter(self.records))
        ours = self.records[name].get('model') or {}
        theirs = self.records[first].get('model') or {}
        for key in ('config_sha256', 'checkpoint_sha256'):
            if None not in (ours.get(key), theirs.get(key)) \
                    and ours[key] != theirs[key]:
                raise ReviewFolderError(
                    f'{self.record_files[name]}: predicted by another model '
                    f'than {self.record_files[first]} (its {key} is '
                    f'{ours[key]}, not {theirs[key]}); review one model\'s '
                    'predictions at a time: predict into separate folders')

    # reading

    def image_path(self, name: str) -> str:
        """The image file of a record.

        Args:
            name (str): The record's name (see :func:`find_records`).

        Returns:
            str: The image's absolute path.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
        """
        if name not in self.image_paths:
            raise UnknownImageError(name)
        return self.image_paths[name]

    def read_image(self, name: str) -> np.ndarray:
        """An image's pixels, as :func:`.read_radiograph` reads them.

        Args:
            name (str): The record's name.

        Returns:
            np.ndarray: The image (BGR, uint8).

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewFileError: If the image cannot be read (gone, empty,
                corrupt since the review started).
        """
        path = self.image_path(name)
        try:
            return read_radiograph(path).image
        except (OSError, ValueError) as err:
            raise ReviewFileError(_naming(path, err)) from err

    def image_size(self, name: str) -> Tuple[int, int]:
        """The size of an image, read once (images do not change).

        Args:
            name (str): The record's name.

        Returns:
            tuple[int, int]: ``(width, height)`` in pixels.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewFileError: If the image cannot be read.
        """
        if name not in self._sizes:
            height, width = self.read_image(name).shape[:2]
            self._sizes[name] = (width, height)
        return self._sizes[name]

    def review_file(self, name: str) -> str:
        """Where an image's review state is saved (written or not).

        Args:
            name (str): The record's name.

        Returns:
            str: Its ``review/images/<name>.json``.

        Raises:
            UnknownImageError: If ``name`` is not one of the records (no
                other name makes a path).
        """
        self.image_path(name)  # only names of the folder make paths
        return osp.join(self.states_dir, f'{name}.json')

    def state(self, name: str) -> dict:
        """An image's review, as saved (or as predicted before any change).

        Args:
            name (str): The record's name (see :func:`find_records`).

        Returns:
            dict: As ``review/images/<name>.json`` holds it (the module's
            docstring).

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
        """
        path = self.review_file(name)
        if osp.isfile(path):
            return _read_state(path)
        return self._initial_state(name)

    def _initial_state(self, name: str) -> dict:
        state = copy.deepcopy(self.records[name])
        width, height = self.image_size(name)
        state.update(
            prediction=osp.relpath(self.record_files[name],
                                   self.predictions_dir),
            image_file=self.image_paths[name],
            width=width,
            height=height,
            ruler=None,
            reviewed=dict(done=False, by=None, at=None),
            undo=[],
            predicted_cephalometry=state.pop('cephalometry', None))
        state.pop('cephalometry_note', None)
        for lm in state['landmarks']:
            lm.update(
                model_x_px=lm['x_px'],
                model_y_px=lm['y_px'],
                moved=False,
                moved_by=None,
                moved_at=None)
        self._derive(state)
        return state

    def summary(self) -> List[dict]:
        """Every image with its state, worst first: most flagged landmarks,
        then the largest conformal radius.

        Returns:
            list[dict]: ``name``, ``flagged`` (how many landmarks the model
            flagged), ``max_radius_mm`` (None without a calibration),
            ``moved`` (landmarks moved so far), ``reviewed`` (bool).
        """
        items = []
        for name, record in self.records.items():
            path = self.review_file(name)
            saved = _read_state(path) if osp.isfile(path) else None
            radii = [
                lm['radius_mm'] for lm in record['landmarks']
                if lm.get('radius_mm') is not None
            ]
            items.append(
                dict(
                    name=name,
                    flagged=sum(1 for lm in record['landmarks']
                                if lm['flags']),
                    max_radius_mm=max(radii) if radii else None,
                    moved=sum(1 for lm in saved['landmarks']
                              if lm['moved']) if saved else 0,
                    reviewed=bool(saved and saved['reviewed']['done'])))
        items.sort(key=lambda i: (-i['flagged'], -(i['max_radius_mm'] or 0)))
        return items

    @staticmethod
    def queue(state: dict) -> List[int]:
        """The order to check an image's landmarks in: flagged ones first,
        then by conformal radius, largest first, then by number.

        Args:
            state (dict): An image's state.

        Returns:
            list[int]: Landmark indices.
        """
        landmarks = state['landmarks']
        return sorted(
            range(len(landmarks)),
            key=lambda k: (not landmarks[k]['flags'], -(landmarks[k].get(
                'radius_mm') or 0), k))

    # changing

    def move(self, name: str, landmark: str, x: float, y: float,
             action: str) -> dict:
        """Puts a landmark at a position.

        Args:
            name (str): The image's record name.
            landmark (str): The landmark's name.
            x (float): Its new x in pixels.
            y (float): Its new y in pixels.
            action (str): ``'move'`` (dragged) or ``'nudge'`` (arrow keys),
                as the log records it.

        Returns:
            dict: The image's new state.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewRequestError: An unknown landmark or action, or a position
                that is not a number or lies outside the image; nothing is
                written.
        """
        if action not in ('move', 'nudge'):
            raise ReviewRequestError(
                f'action must be "move" or "nudge", got {action!r}')

        def edit(state: dict) -> List[dict]:
            k = self._landmark_index(landmark)
            point = self._check_point(state, (x, y), f'landmark {landmark}')
            return [self._place(name, state, k, point, action)]

        return self._change(name, edit)

    def reset(self, name: str, landmark: str) -> dict:
        """Puts a landmark back at the model's position (same arguments,
        result and errors as :meth:`move`)."""

        def edit(state: dict) -> List[dict]:
            k = self._landmark_index(landmark)
            lm = state['landmarks'][k]
            return [
                self._place(name, state, k,
                            (lm['model_x_px'], lm['model_y_px']), 'reset')
            ]

        return self._change(name, edit)

    def undo(self, name: str) -> dict:
        """Takes back the image's last move, nudge, reset or ruler. A
        reviewed image that it leaves with a landmark without position is
        no longer reviewed.

        Args:
            name (str): The image's record name.

        Returns:
            dict: The image's new state.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewRequestError: If there is nothing to undo; nothing is
                written.
        """

        def edit(state: dict) -> List[dict]:
            if not state['undo']:
                raise ReviewRequestError(f'{name}: nothing to undo')
            last = state['undo'].pop()
            if last['landmark'] is None:
                before = state['pixel_spacing']
                state.update(last['before'])
                after = state['pixel_spacing']
            else:
                lm = state['landmarks'][self.names.index(last['landmark'])]
                before = [lm['x_px'], lm['y_px']]
                lm.update(last['before'])
                after = [lm['x_px'], lm['y_px']]
            return [
                self._log_entry(name, last['landmark'], before, after, 'undo')
            ]

        return self._change(name, edit)

    def set_ruler(self, name: str, points: Sequence[Sequence[float]],
                  length_mm: float) -> dict:
        """Sets the image's spacing from a ruler: two points on an object of
        known length. Its spacing source becomes ``'ruler'``. An image whose
        spacing had an aspect ratio (anisotropic pixels) keeps it.

        Args:
            name (str): The image's record name.
            points (Sequence): ``[[x1, y1], [x2, y2]]`` in pixels.
            length_mm (float): The length between them in mm.

        Returns:
            dict: The image's new state.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewRequestError: Points that are not two, not numbers,
                outside the image or the same, a length that is not a
                finite positive number, or one that gives a spacing outside
                ``RULER_SPACING_MM``; nothing is written.
        """

        def edit(state: dict) -> List[dict]:
            if not isinstance(points, (list, tuple)) or len(points) != 2:
                raise ReviewRequestError(
                    'a ruler is two points [[x1, y1], [x2, y2]]')
            a, b = (self._check_point(state, p, 'ruler point') for p in points)
            if not _is_number(length_mm) or not math.isfinite(length_mm) \
                    or not length_mm > 0:
                raise ReviewRequestError(
                    'length_mm: the ruler\'s length must be a finite '
                    f'positive number of mm, got {length_mm!r}')
            old = state['pixel_spacing']
            # keep the pixels' aspect ratio where the file gave one
            ratio = old[1] / old[0] if old else 1.0
            dx, dy = b[0] - a[0], b[1] - a[1]
            if dx == 0 and dy == 0:
                raise ReviewRequestError(
                    'the ruler\'s two points are the same; click both ends')
            sx = length_mm / math.hypot(dx, dy * ratio)
            low, high = RULER_SPACING_MM
            if not all(low <= v <= high for v in (sx, sx * ratio)):
                raise ReviewRequestError(
                    f'length_mm: {length_mm:g} mm over '
                    f'{math.hypot(dx, dy):.1f} pixels gives {sx:.3g} mm per '
                    f'pixel, outside {low:g} to {high:g}; type the length '
                    'in mm')
            state['undo'].append(
                dict(
                    landmark=None,
                    before=dict(
                        pixel_spacing=old,
                        spacing_source=state['spacing_source'],
                        ruler=state['ruler'])))
            state.update(
                pixel_spacing=[sx, sx * ratio],
                spacing_source=RULER,
                ruler=dict(
                    points=[list(a), list(b)],
                    length_mm=float(length_mm),
                    by=self.reviewer,
                    at=_now()))
            return [
                self._log_entry(name, None, old, state['pixel_spacing'],
                                'ruler')
            ]

        return self._change(name, edit)

    def mark_reviewed(self, name: str, done: bool) -> dict:
        """Marks an image reviewed (it then enters ``annotations.json``) or
        not reviewed.

        Args:
            name (str): The image's record name.
            done (bool): True for reviewed, False for not.

        Returns:
            dict: The image's new state.

        Raises:
            UnknownImageError: If ``name`` is not one of the records.
            ReviewRequestError: If ``done`` is not a bool, or (marking it
                reviewed) a landmark has no position; nothing is written.
        """

        def edit(state: dict) -> List[dict]:
            if not isinstance(done, bool):
                raise ReviewRequestError(
                    f'reviewed must be true or false, got {done!r}')
            unplaced = _unplaced(state)
            if done and unplaced:
                raise ReviewRequestError(
                    f'{name}: {", ".join(unplaced)} have no position; place '
                    'them before marking the image reviewed')
            state['reviewed'] = dict(
                done=done,
                by=self.reviewer if done else None,
                at=_now() if done else None)
            return [
                self._log_entry(name, None, None, None,
                                'reviewed' if done else 'not reviewed')
            ]

        return self._change(name, edit)

    # helpers

    def _landmark_index(self, landmark: str) -> int:
        if landmark not in self.names:
            raise ReviewRequestError(
                f'unknown landmark {landmark!r}; this model\'s landmarks '
                f'are {", ".join(self.names)}')
        return self.names.index(landmark)

    @staticmethod
    def _check_point(state: dict, point, what: str) -> Tuple[float, float]:
        """A position as floats, refused unless two finite numbers within
        the image's pixel centres (0 to width - 1, 0 to height - 1)."""
        if not isinstance(point, (list, tuple)) or len(point) != 2 \
                or not all(_is_number(v) for v in point):
            raise ReviewRequestError(
                f'{what}: the position must be two numbers x, y in pixels, '
                f'got {point!r}')
        x, y = float(point[0]), float(point[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ReviewRequestError(
                f'{what}: the position ({x}, {y}) is not a number')
        if not (0 <= x <= state['width'] - 1
                and 0 <= y <= state['height'] - 1):
            raise ReviewRequestError(
                f'{what}: ({x:g}, {y:g}) lies outside the image (x from 0 to '
                f'{state["width"] - 1}, y from 0 to {state["height"] - 1} '
                'pixels)')
        return x, y

    def _place(self, name: str, state: dict, k: int,
               point: Tuple[float, float], action: str) -> dict:
        """Moves landmark ``k`` (its earlier place goes on the undo
        stack) and returns the log entry."""
        lm = state['landmarks'][k]
        before = {
            key: lm[key]
            for key in ('x_px', 'y_px', 'moved', 'moved_by', 'moved_at')
        }
        state['undo'].append(dict(landmark=lm['name'], before=before))
        moved = list(point) != [lm['model_x_px'], lm['model_y_px']]
        lm.update(
            x_px=point[0],
            y_px=point[1],
            moved=moved,
            moved_by=self.reviewer if moved else None,
            moved_at=_now() if moved else None)
        return self._log_entry(name,
                               lm['name'], [before['x_px'], before['y_px']],
                               list(point), action)

    def _log_entry(self, name: str, landmark: Optional[str], before, after,
                   action: str) -> dict:
        return {
            'time': _now(),
            'reviewer': self.reviewer,
            'image': name,
            'landmark': landmark,
            'from': before,
            'to': after,
            'action': action
        }

    @staticmethod
    def _derive(state: dict) -> None:
        """Recomputes what follows from the positions and the spacing: the
        mm positions and the measurements."""
        spacing = state['pixel_spacing']
        for lm in state['landmarks']:
            known = spacing is not None and lm['x_px'] is not None
            lm['x_mm'] = lm['x_px'] * spacing[0] if known else None
            lm['y_mm'] = lm['y_px'] * spacing[1] if known else None
        points = np.array([[
            np.nan if lm['x_px'] is None else lm['x_px'],
            np.nan if lm['y_px'] is None else lm['y_px']
        ] for lm in state['landmarks']])
        state['cephalometry'] = measurement_table(
            [lm['name'] for lm in state['landmarks']], points, spacing,
            [lm['flags'] for lm in state['landmarks']],
            [lm['moved'] for lm in state['landmarks']],
            state['predicted_cephalometry'], state['spacing_source'] != RULER)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Holds the review folder's lock, waiting for it: changes from two
        tabs or servers follow each other rather than fail (which is why
        this is not :func:`~hyatt_mmpose.utils.output_lock`, which refuses
        a held lock)."""
        os.makedirs(self.review_dir, exist_ok=True)
        fd = os.open(
            osp.join(self.review_dir, '.review.lock'), os.O_RDWR | os.O_CREAT,
            0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _change(self, name: str, edit: Callable[[dict], List[dict]]) -> dict:
        """Reads the image's state, edits it and saves it, its log lines and
        ``annotations.json``, under the folder's lock. ``edit`` raises
        before anything is written."""
        self.image_path(name)
        with self._locked():
            state = self.state(name)
            entries = edit(state)
            entries += self._unreview_unplaced(name, state)
            self._derive(state)
            with atomic_write(self.review_file(name)) as f:
                json.dump(state, f, indent=2, allow_nan=False)
            with open(
                    osp.join(self.review_dir, LOG_NAME), 'a',
                    encoding='utf-8') as f:
                for entry in entries:
                    f.write(json.dumps(entry, allow_nan=False) + '\n')
                f.flush()
                os.fsync(f.fileno())
            self._write_annotations()
        return state

    def _unreview_unplaced(self, name: str, state: dict) -> List[dict]:
        """Takes back the review of an image that a change (a reset or an
        undo) left with a landmark without position, which a reviewed
        image must not have; returns the log entry, if any."""
        unplaced = _unplaced(state)
        if not (state['reviewed']['done'] and unplaced):
            return []
        state['reviewed'] = dict(done=False, by=None, at=None)
        entry = self._log_entry(name, None, None, None, 'not reviewed')
        entry['reason'] = f'{", ".join(unplaced)} have no position'
        return [entry]

    def _write_annotations(self) -> None:
        """``annotations.json`` of every image marked reviewed; one with a
        landmark without position (a state written by hand or by an older
        version) is left out, and said so, rather than written as null."""
        images, annotations, left_out = [], [], []
        for img_id, name in enumerate(self.records, start=1):
            path = self.review_file(name)
            if not osp.isfile(path):
                continue
            state = _read_state(path)
            if not state['reviewed']['done']:
                continue
            unplaced = _unplaced(state)
            if unplaced:
                reason = (f'{path}: marked reviewed, but '
                          f'{", ".join(unplaced)} have no position; left out '
                          'of annotations.json until they are placed and '
                          'the image is marked reviewed again')
                warnings.warn(reason)
                left_out.append(dict(image=name, reason=reason))
                continue
            image = dict(
                id=img_id,
                file_name=state['image_file'],
                width=state['width'],
                height=state['height'])
            if state['pixel_spacing'] is not None:
                image['pixel_spacing'] = state['pixel_spacing']
            images.append(image)
            annotations.append(
                landmark_annotation(
                    img_id,
                    np.array([[lm['x_px'], lm['y_px']]
                              for lm in state['landmarks']]), state['width'],
                    state['height']))
        document = coco_document(
            images,
            annotations,
            self.names,
            'radiograph',
            info=dict(
                description='landmarks reviewed with tools/review.py',
                predictions=self.predictions_dir,
                left_out=left_out))
        with atomic_write(osp.join(self.review_dir, ANNOTATIONS_NAME)) as f:
            json.dump(document, f, indent=2, allow_nan=False)


def _naming(path: str, err: Exception) -> str:
    """An error's message, starting with the file it is about."""
    message = str(err)
    return message if message.startswith(path) else f'{path}: {message}'


def _read_state(path: str) -> dict:
    """Reads an image's saved state.

    Raises:
        ReviewFileError: If it cannot be read or is not a state (names the
            file and the fix).
    """
    try:
        with open(path, encoding='utf-8') as f:
            state = json.load(f)
    except (OSError, ValueError) as err:
        raise ReviewFileError(
            f'{path}: cannot be read as a review state ({err}); restore it '
            'from a backup, or delete it to review the image again from the '
            'prediction') from err
    if not isinstance(state, dict) or not isinstance(
            state.get('reviewed'), dict) or not isinstance(
                state.get('landmarks'), list):
        raise ReviewFileError(
            f'{path}: not a review state (no "reviewed" or "landmarks"); '
            'restore it from a backup, or delete it to review the image '
            'again from the prediction')
    return state


def _refuse_records_under_review(review_dir: str) -> None:
    """Refuses a review folder that holds prediction records: predict
    wrote them there (an input subfolder named ``review``), where the
    review neither reads them nor may write.

    Raises:
        ReviewFolderError: Naming the folder and its first records.
    """
    found = []
    for folder, _, files in os.walk(review_dir):
        for file in sorted(files):
            if file.endswith('.json') and _is_prediction_record(
                    osp.join(folder, file)):
                found.append(osp.relpath(osp.join(folder, file), review_dir))
    if found:
        raise ReviewFolderError(
            f'{review_dir}: holds prediction records of tools/predict.py '
            f'({", ".join(sorted(found)[:3])}), but the review keeps its own '
            'files there; rename the input\'s subfolder "review" and '
            'predict again, or predict into another --out-dir')


def _is_prediction_record(path: str) -> bool:
    """Whether a file is a record of predict rather than the review's own
    (a review state has ``reviewed``; annotations.json no ``landmarks``)."""
    try:
        with open(path, encoding='utf-8') as f:
            document = json.load(f)
    except (OSError, ValueError):
        return False  # unreadable or not JSON: not predict's
    return isinstance(document, dict) and 'landmarks' in document \
        and 'image' in document and 'reviewed' not in document


def _unplaced(state: dict) -> List[str]:
    """The names of an image's landmarks without position."""
    return [
        lm['name'] for lm in state['landmarks']
        if lm['x_px'] is None or lm['y_px'] is None
    ]


def _is_number(value) -> bool:
    """An int or float (JSON's numbers), not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
