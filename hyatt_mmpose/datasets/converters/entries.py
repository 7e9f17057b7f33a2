"""Checking one entry of an input: its fields and its numbers."""
import math
from contextlib import contextmanager
from typing import Iterator, Union

from .errors import ConversionError


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

    Raises:
        ConversionError: In place of those errors.
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


def to_number(value,
              where: str,
              field: str,
              integer: bool = False,
              positive: bool = False) -> Union[float, int]:
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
    kind = ('positive ' if positive else '') + ('whole number'
                                                if integer else 'number')
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
