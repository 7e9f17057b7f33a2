"""Writes text as a spreadsheet saves it, for the readers' tests."""
import codecs


def write_spreadsheet_text(path, text: str, trailing: str = '\n\n') -> None:
    """Writes ``text`` as a spreadsheet's "CSV UTF-8" does on Windows: a
    byte-order mark, CRLF line endings, and ``trailing`` (blank lines by
    default) at the end."""
    body = text.rstrip('\n') + '\n' + trailing
    path.write_bytes(codecs.BOM_UTF8 + body.replace('\n', '\r\n').encode())
