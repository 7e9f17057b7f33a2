"""A reader of MetaImage (``.mha``) stacks, one slice at a time, so that
a stack larger than memory converts; errors name the file and line."""
import codecs
import itertools
import os.path as osp
import zlib
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from .entries import to_number
from .errors import ConversionError
from .text_files import open_input

META_TYPES = dict(
    MET_UCHAR=np.uint8,
    MET_CHAR=np.int8,
    MET_USHORT=np.uint16,
    MET_SHORT=np.int16,
    MET_UINT=np.uint32,
    MET_INT=np.int32,
    MET_FLOAT=np.float32,
    MET_DOUBLE=np.float64)


def read_header(path: str) -> Tuple[Dict[str, Tuple[str, int]], int]:
    """MetaImage header fields and the byte offset of local data.

    Args:
        path (str): The ``.mha`` (or ``.mhd``) file.

    Returns:
        tuple: ``{key: (value, line number)}`` and the offset.

    Raises:
        ConversionError: If there is no ``ElementDataFile`` line.
    """
    fields = {}
    with open_input(path, 'MetaImage') as f:
        for line_no in itertools.count(1):
            line = f.readline()
            if not line:
                raise ConversionError(f'{path}: no ElementDataFile line; not '
                                      'a MetaImage file')
            if line_no == 1 and line.startswith(codecs.BOM_UTF8):
                # A header saved by a text editor may start with a BOM.
                line = line[len(codecs.BOM_UTF8):]
            # latin1 decodes any byte, so a binary file reaches the check
            # above instead of a UnicodeDecodeError; strip() drops \r.
            key, _, value = line.decode('latin1').partition('=')
            fields[key.strip()] = (value.strip(), line_no)
            if key.strip() == 'ElementDataFile':
                return fields, f.tell()


def header_field(fields: dict,
                 key: str,
                 path: str,
                 default: Optional[str] = None) -> str:
    """A header field's value, or ``default``.

    Args:
        fields (dict): As :func:`read_header` returns them.
        key (str): The field.
        path (str): The file, for the message.
        default (str, optional): The value of an absent field.

    Returns:
        str: The value.

    Raises:
        ConversionError: If the field is absent and has no default.
    """
    if key in fields:
        return fields[key][0]
    if default is None:
        raise ConversionError(f'{path}: no {key} line in the MetaImage '
                              'header')
    return default


def header_ints(fields: dict,
                key: str,
                path: str,
                default: Optional[str] = None) -> List[int]:
    """A header field of positive whole numbers.

    Args:
        fields (dict): As :func:`read_header` returns them.
        key (str): The field.
        path (str): The file, for the message.
        default (str, optional): The value of an absent field.

    Returns:
        list[int]: The numbers.

    Raises:
        ConversionError: Naming the line, if a value is not one or there
            are none.
    """
    value = header_field(fields, key, path, default)
    where = f'{path}:{fields[key][1]}' if key in fields else path
    numbers = [
        to_number(v, where, key, integer=True, positive=True)
        for v in value.split()
    ]
    if not numbers:
        raise ConversionError(f'{where}: {key} is empty')
    return numbers


def iter_slices(path: str) -> Iterator[np.ndarray]:
    """Yields each ``(H, W[, C])`` slice of an N-dimensional stack in turn.

    Args:
        path (str): The MetaImage file; its data local or in the file that
            ``ElementDataFile`` names, zlib-compressed or not.

    Yields:
        np.ndarray: The next slice.

    Raises:
        ConversionError: Naming the file (and the header line or slice) of
            a bad header or truncated or corrupt data.
    """
    fields, offset = read_header(path)
    dims = header_ints(fields, 'DimSize', path)
    if len(dims) < 2:
        raise ConversionError(f'{path}:{fields["DimSize"][1]}: DimSize '
                              f'{dims} needs a width and a height')
    element_type = header_field(fields, 'ElementType', path)
    if element_type not in META_TYPES:
        raise ConversionError(
            f'{path}:{fields["ElementType"][1]}: ElementType '
            f'{element_type!r} is not supported; use one of '
            f'{", ".join(META_TYPES)}')
    dtype = np.dtype(META_TYPES[element_type])
    if header_field(fields, 'BinaryDataByteOrderMSB', path,
                    'False').lower() == 'true':
        dtype = dtype.newbyteorder('>')
    channels = header_ints(fields, 'ElementNumberOfChannels', path, '1')[0]
    width, height, count = dims[0], dims[1], int(np.prod(dims[2:]))
    shape = (height, width, channels) if channels > 1 else (height, width)
    slice_bytes = int(np.prod(shape)) * dtype.itemsize
    data_file = header_field(fields, 'ElementDataFile', path)
    source = path if data_file == 'LOCAL' else osp.join(
        osp.dirname(path), data_file)
    compressed = header_field(fields, 'CompressedData', path,
                              'False').lower() == 'true'
    with open_input(source, 'MetaImage data') as f:
        if data_file == 'LOCAL':
            f.seek(offset)
        inflate = zlib.decompressobj() if compressed else None
        buffer = b''
        for index in range(1, count + 1):
            while len(buffer) < slice_bytes:
                chunk = f.read(1 << 24)
                if not chunk:
                    raise ConversionError(
                        f'{source}: data ends in slice {index} of {count} '
                        f'({dims[0]} x {dims[1]} x {channels} '
                        f'{element_type}); the file is truncated: copy or '
                        'download it again')
                try:
                    buffer += inflate.decompress(chunk) if inflate else chunk
                except zlib.error as err:
                    raise ConversionError(
                        f'{source}: compressed data is corrupt in slice '
                        f'{index} ({err}); copy or download it again') from err
            yield np.frombuffer(buffer[:slice_bytes], dtype).reshape(shape)
            buffer = buffer[slice_bytes:]
