"""CSV that spreadsheets open as written: UTF-8 with a byte-order mark
(without one Excel reads the file in the locale's code page, ``Müller`` as
``MÃ¼ller``), and no text cell that they would run as a formula (CSV
injection, OWASP)."""
import csv
from typing import Any, Sequence

from .atomic_write import atomic_write

# what Excel and LibreOffice take as the start of a formula (OWASP)
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def spreadsheet_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows and never runs.

    Args:
        value: The cell: text, a number, or None (an empty cell).

    Returns:
        The text with a single quote in front if it starts with ``=``,
        ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's advice);
        anything else (numbers too, negative ones included) as it is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_spreadsheet_csv(path: str, fields: Sequence[str],
                          rows: Sequence[dict]) -> None:
    """Writes rows as CSV atomically, in UTF-8 with a byte-order mark, every
    cell (the header's too) through :func:`spreadsheet_cell`.

    Args:
        path (str): The file.
        fields (Sequence[str]): The columns, in order.
        rows (Sequence[dict]): The rows; a column a row lacks, or holds as
            None, is an empty cell.
    """
    with atomic_write(path, newline='', encoding='utf-8-sig') as f:
        writer = csv.writer(f)
        writer.writerow([spreadsheet_cell(name) for name in fields])
        writer.writerows([spreadsheet_cell(row.get(name)) for name in fields]
                         for row in rows)
