"""The shared readers of hyatt_mmpose.datasets.converters: UTF-8 with or
without a byte-order mark, any line ending, and errors that name the file
and line and keep the original cause."""
import csv
import json

import numpy as np
import pytest

from hyatt_mmpose.datasets.converters import (ConversionError,
                                              InputNotFoundError, entry_errors,
                                              read_csv_rows, read_json,
                                              read_lines, read_point_lines,
                                              read_text, to_number)
from .spreadsheet_text import write_spreadsheet_text


def test_text_readers_take_bom_crlf_and_trailing_blank_lines(tmp_path):
    path = tmp_path / 'a.csv'
    write_spreadsheet_text(path, 'image,x1,y1\n\na.png,1,2\n', ',,\n\n')
    assert read_text(str(path)).startswith('image,')
    assert read_lines(str(path)) == [(1, 'image,x1,y1'), (3, 'a.png,1,2'),
                                     (4, ',,')]
    assert read_csv_rows(str(path)) == [(1, ['image', 'x1', 'y1']),
                                        (3, ['a.png', '1', '2'])]


def test_csv_rows_are_numbered_by_their_first_line(tmp_path):
    path = tmp_path / 'a.csv'
    write_spreadsheet_text(path, 'id,note\n1,"two\nlines"\n2,x\n')
    assert read_csv_rows(str(path)) == [(1, ['id', 'note']),
                                        (2, ['1', 'two\r\nlines']),
                                        (4, ['2', 'x'])]


def test_json_with_bom_and_crlf(tmp_path):
    path = tmp_path / 'a.json'
    write_spreadsheet_text(path, json.dumps(dict(a=[1, 2]), indent=1))
    assert read_json(str(path)) == dict(a=[1, 2])


def test_point_lines_with_bom_crlf_and_extra_lines(tmp_path):
    path = tmp_path / '001.txt'
    write_spreadsheet_text(path, '1,2\n3.5,4\n7\nextra\n')
    np.testing.assert_array_equal(
        read_point_lines(str(path), 2), [[1, 2], [3.5, 4]])


def test_missing_file_is_a_file_not_found_error_naming_it(tmp_path):
    path = str(tmp_path / 'absent.csv')
    with pytest.raises(
            FileNotFoundError, match=f'^{path}: landmark CSV not '
            'found$') as info:
        read_csv_rows(path, 'landmark CSV')
    assert isinstance(info.value, ConversionError)
    assert isinstance(info.value, InputNotFoundError)


def test_a_folder_is_named(tmp_path):
    with pytest.raises(
            ConversionError, match=f'^{tmp_path}: file cannot be read'):
        read_text(str(tmp_path))


def test_not_utf8_names_the_line_and_keeps_the_cause(tmp_path):
    path = tmp_path / 'a.csv'
    path.write_bytes(b'image,x\r\ncaf\xe9.png,1\r\n')  # Latin-1, not UTF-8
    with pytest.raises(
            ConversionError,
            match=r'a\.csv:2: CSV file is not UTF-8 text \(byte '
            r'0xe9\); save it as UTF-8') as info:
        read_csv_rows(str(path))
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_utf16_is_refused_with_the_fix(tmp_path):
    path = tmp_path / 'a.txt'
    path.write_bytes('1,2\n'.encode('utf-16'))
    with pytest.raises(
            ConversionError, match=r'a\.txt:1: .*save it as '
            'UTF-8'):
        read_lines(str(path))


def test_bad_csv_names_the_line_and_keeps_the_cause(tmp_path):
    path = tmp_path / 'a.csv'
    path.write_text('a,b\n1,"2"x\n')
    with pytest.raises(
            ConversionError,
            match=r'^\S*a\.csv:2: CSV file is not valid CSV') as info:
        read_csv_rows(str(path))
    assert isinstance(info.value.__cause__, csv.Error)
    path.write_text('a,b\n1,2\n3,"4\n5,6\n')  # a quote never closed
    with pytest.raises(ConversionError, match=r'a\.csv:3: '):
        read_csv_rows(str(path))


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / 'a.json'
    write_spreadsheet_text(path, '{\n  "a": [1, 2,]\n}\n')
    with pytest.raises(
            ConversionError,
            match=r'^\S*a\.json:2:14: JSON file is not valid '
            'JSON') as info:
        read_json(str(path))
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_point_lines_errors_name_file_and_line(tmp_path):
    path = tmp_path / '001.txt'
    path.write_text('1,2\n\n3;4\n')
    with pytest.raises(
            ConversionError, match=r'001\.txt:3: expected "x,y", got \'3;4\''):
        read_point_lines(str(path), 2)
    path.write_text('1,2\n3,abc\n')
    with pytest.raises(
            ConversionError,
            match=r"001\.txt:2: y must be a number, got 'abc'"):
        read_point_lines(str(path), 2)
    path.write_text('1,2\n3,4\n\n')
    with pytest.raises(
            ConversionError, match=r'001\.txt: 2 landmarks, expected 3'):
        read_point_lines(str(path), 3)


@pytest.mark.parametrize('value', ['abc', '', None, True, 'nan', 'inf', [1.0]])
def test_to_number_refuses_non_numbers_naming_where_and_field(value):
    with pytest.raises(
            ConversionError, match=r'^f\.csv:4: x2 must be a number, got'):
        to_number(value, 'f.csv:4', 'x2')


def test_to_number_forms():
    assert to_number(' 1.5 ', 'w', 'x') == 1.5
    assert to_number('3142.0', 'w', 'id', integer=True) == 3142
    assert isinstance(to_number('3142', 'w', 'id', integer=True), int)
    with pytest.raises(ConversionError, match='id must be a whole number'):
        to_number('3.5', 'w', 'id', integer=True)
    with pytest.raises(
            ConversionError,
            match="w: spacing must be a positive number, got '0'"):
        to_number('0', 'w', 'spacing', positive=True)
    with pytest.raises(ConversionError) as info:
        to_number('abc', 'w', 'x')
    assert isinstance(info.value.__cause__, ValueError)


def test_entry_errors_name_the_entry_and_keep_the_cause():
    with pytest.raises(
            ConversionError,
            match=r"^g\.json, points\[3\]: missing field 'scale'; "
            'expected S') as info:
        with entry_errors('g.json, points[3]', 'S'):
            dict(a=1)['scale']
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(
            ConversionError,
            match=r'^g\.json, points\[3\]: .*'
            r'\(ValueError\); expected S'):
        with entry_errors('g.json, points[3]', 'S'):
            _, _, _ = [1, 2]  # unpacking raises ValueError
    with pytest.raises(ConversionError, match='^inner$'):
        with entry_errors('g.json', 'S'):
            raise ConversionError('inner')
