"""The errors of the converters and of the readers of their inputs."""


class ConversionError(ValueError):
    """An input entry is unusable; the message names its file and line."""


class InputNotFoundError(ConversionError, FileNotFoundError):
    """An input file is missing; the message names it.

    A :class:`ConversionError`, so that ``--skip-bad`` can leave the entry
    out, and a :class:`FileNotFoundError`, as callers expect of a missing
    file.
    """
