"""A content digest inside a JSON document, so that a file whose numbers
follow from each other (thresholds from scores, radii from a score type)
is refused once edited by hand instead of being used half-changed."""
import hashlib
import json
from typing import Type

DIGEST_KEY = 'sha256'


def read_json_strict(path: str):
    """A JSON file, refusing ``NaN``, ``Infinity`` and ``-Infinity``, which
    Python's reader accepts and JSON does not.

    Args:
        path (str): The file (UTF-8).

    Returns:
        The document.

    Raises:
        OSError: If it cannot be read.
        ValueError: If it is not JSON (the message says where).
    """
    with open(path, encoding='utf-8') as f:
        return json.load(f, parse_constant=_refuse_constant)


def _refuse_constant(name: str):
    raise ValueError(f'{name} is not a JSON number')


def content_digest(doc: dict) -> str:
    """The SHA-256 of ``doc`` without its digest, as canonical JSON (sorted
    keys, no spaces), as hex.

    Args:
        doc (dict): A JSON document.

    Returns:
        str: The hex digest.

    Raises:
        ValueError: If ``doc`` holds NaN or infinity (not JSON).
    """
    body = {k: v for k, v in doc.items() if k != DIGEST_KEY}
    text = json.dumps(
        body, sort_keys=True, separators=(',', ':'), allow_nan=False)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def seal(doc: dict) -> dict:
    """``doc`` with its content digest under ``'sha256'``.

    Args:
        doc (dict): A JSON document.

    Returns:
        dict: A copy with the digest added.

    Raises:
        ValueError: If ``doc`` holds NaN or infinity (not JSON).
    """
    return dict(doc, **{DIGEST_KEY: content_digest(doc)})


def check_seal(doc: dict, path: str, error: Type[Exception], fix: str) -> None:
    """Refuses a document without its digest or changed since sealed.

    Args:
        doc (dict): As read from ``path``.
        path (str): The file, for the message.
        error (type): The exception to raise (the format's own error).
        fix (str): How to write the file again, e.g. ``'run
            tools/calibrate.py again'``.

    Raises:
        error: Naming ``path`` and ``fix``.
    """
    stored = doc.get(DIGEST_KEY)
    if stored is None:
        raise error(f'{path}: no "{DIGEST_KEY}" content digest (written by '
                    f'an earlier version, or edited); {fix}')
    try:
        actual = content_digest(doc)
    except ValueError as err:
        raise error(f'{path}: {err}; {fix}') from err
    if actual != stored:
        raise error(f'{path}: changed since it was written (its content does '
                    f'not match its "{DIGEST_KEY}"), so its numbers no '
                    f'longer follow from each other; {fix}')
