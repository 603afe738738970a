"""What a browser's message may say: each value checked, or refused in one line that names
the field and what it expects (``RoomError``, shown on the page); and any error as a page
or the server's console shows it (``one_line``)."""

from __future__ import annotations

from typing import Any

NAME_MAX = 24


class RoomError(ValueError):
    """A request the room refuses, in one line that says why (shown on the page)."""


def shown(value: Any) -> str:
    """A value as an error message quotes it: at most 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def share(value: Any, name: str) -> float:
    """A share in [0, 1] from a browser's message, or a one-line error naming the field.

    >>> share("0.25", "funds")
    0.25
    >>> share(2, "funds")
    Traceback (most recent call last):
    ...
    abm.classroom.inputs.RoomError: funds: got 2, expected a share in [0, 1]
    """
    try:
        if isinstance(value, bool):  # (JSON true is not a number)
            raise TypeError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RoomError(f"{name}: got {shown(value)}, expected a share in [0, 1]") from None
    if not 0.0 <= number <= 1.0:  # (NaN fails too)
        raise RoomError(f"{name}: got {shown(value)}, expected a share in [0, 1]")
    return number


def whole(value: Any, name: str, low: int, high: int) -> int:
    """An integer in [low, high] from a form, or a one-line error naming the field."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
        if number != int(number):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise RoomError(f"{name}: got {shown(value)}, expected an integer in "
                        f"[{low}, {high}]") from None
    if not low <= number <= high:
        raise RoomError(f"{name}: got {shown(value)}, expected an integer in [{low}, {high}]")
    return int(number)


def flag(value: Any, name: str) -> bool:
    """A yes/no from a browser's message: JSON true or false only."""
    if not isinstance(value, bool):
        raise RoomError(f"{name}: got {shown(value)}, expected true or false")
    return value


def clean_name(name: Any) -> str:
    """A student's name as shown: printable, spaces collapsed, 1 to NAME_MAX characters, not
    starting with a character a spreadsheet reads as a formula (the record is a CSV file)."""
    if not isinstance(name, str):
        raise RoomError(f"name: got {shown(name)}, expected a text of 1 to {NAME_MAX} "
                        "characters")
    text = " ".join("".join(ch for ch in name if ch.isprintable()).split())
    if not 1 <= len(text) <= NAME_MAX:
        raise RoomError(f"name: got {len(text)} characters, expected 1 to {NAME_MAX}")
    if text[0] in "=+-@":
        raise RoomError(f"name: starts with {text[0]!r}; start it with a letter or a digit")
    return text


def one_line(exc: BaseException) -> str:
    """An error as the page shows it: its kind and first line, no traceback, no paths.

    >>> one_line(ValueError("x has 38 points\\nat /srv/app.py"))
    'ValueError: x has 38 points'
    """
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
