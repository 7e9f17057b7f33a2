"""CSV that spreadsheets open as written (issue #23, kind 6)."""
import csv

from hyatt_mmpose.utils import spreadsheet_cell, write_spreadsheet_csv


def test_utf8_with_bom_and_no_cell_that_runs(tmp_path):
    path = tmp_path / 'table.csv'
    rows = [
        dict(image='Müller_é.png', x=-1.5, note='=HYPERLINK("http://x")'),
        dict(image='+cmd.png', x=2, note='@SUM(A1)'),
        dict(image='-rm.png', x=None, note='\tx'),
        dict(image='a=b.png', note='\rx'),
    ]
    write_spreadsheet_csv(str(path), ['image', 'x', 'note', '=extra'], rows)
    assert path.read_bytes().startswith(b'\xef\xbb\xbf')
    with open(path, newline='', encoding='utf-8-sig') as f:
        header, *cells = list(csv.reader(f))
    assert header == ['image', 'x', 'note', "'=extra"]
    assert cells == [
        ['Müller_é.png', '-1.5', '\'=HYPERLINK("http://x")', ''],
        ["'+cmd.png", '2', "'@SUM(A1)", ''],
        ["'-rm.png", '', "'\tx", ''],
        ['a=b.png', '', "'\rx", ''],
    ]


def test_numbers_are_never_quoted():
    """Second member of the kind: a negative coordinate is a number, not a
    formula, and must stay one for the spreadsheet's sums."""
    assert spreadsheet_cell(-3.25) == -3.25
    assert spreadsheet_cell(-7) == -7
    assert spreadsheet_cell(None) is None
    assert spreadsheet_cell('-3.25') == "'-3.25"  # text stays text
