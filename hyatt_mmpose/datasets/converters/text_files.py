"""Reading the converters' text inputs so that every error names the file
and line: UTF-8 with or without a byte-order mark, any line ending."""
import csv
import io
import json
from typing import IO, List, Tuple

import numpy as np

from .entries import to_number
from .errors import ConversionError, InputNotFoundError

# Spreadsheets save "CSV UTF-8" with a byte-order mark, which 'utf-8' keeps
# as '\ufeff' at the start of the first cell; 'utf-8-sig' drops it if there.
TEXT_ENCODING = 'utf-8-sig'


def open_input(path: str, what: str = 'file', mode: str = 'rb') -> IO:
    """Opens an input file; failing, says which file and why.

    Args:
        path (str): The file.
        what (str): What the file is (``'annotation file'``), for messages.
        mode (str): As for :func:`open`.

    Returns:
        IO: The open file.

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

    Args:
        path (str): The file.
        what (str): What the file is, for messages.

    Returns:
        str: The text.

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

    Args:
        path (str): The file.
        what (str): What the file is, for messages.

    Returns:
        list[tuple[int, str]]: ``(line number, line)`` pairs.
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

    Args:
        path (str): The file.
        what (str): What the file is, for messages.

    Returns:
        list[tuple[int, list[str]]]: The rows.

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

    Args:
        path (str): The file.
        what (str): What the file is, for messages.

    Returns:
        The document.

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


def read_point_lines(path: str,
                     count: int,
                     what: str = 'annotation file') -> np.ndarray:
    """The first ``count`` ``x,y`` lines of a text file, as ``(count, 2)``.

    Lines after them are ignored (ISBI 2015's files add some); blank lines
    are skipped.

    Args:
        path (str): The file.
        count (int): How many points to read.
        what (str): What the file is, for messages.

    Returns:
        np.ndarray: The ``(count, 2)`` points, float64.

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
