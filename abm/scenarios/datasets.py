"""The real data shipped in ``abm/scenarios/data/`` (provenance in its ``SOURCES.md``), read and
checked: a missing or malformed file is one clear error naming the file, column and row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .parameter import ParameterError

DATA = Path(__file__).resolve().parent / "data"


class DataError(ParameterError):
    """A data file is missing or does not hold what it should."""


@dataclass(frozen=True)
class Column:
    """What a column must hold: text, or numbers within [low, high] (``above``: > low)."""

    name: str
    numeric: bool = True
    low: float | None = None
    high: float | None = None
    above: bool = False
    required: bool = True
    blank: bool = False  # text that may be empty
    integer: bool = False
    unique: bool = False  # no value twice (names)

    def describe(self) -> str:
        if not self.numeric:
            return "unique text" if self.unique else "text"
        kind = "an integer" if self.integer else "a number"
        if self.high is None:
            return f"{kind} {'>' if self.above else '>='} {self.low:g}"
        if self.above:
            return f"{kind} in ({self.low:g}, {self.high:g}]"
        return f"{kind} in [{self.low:g}, {self.high:g}]"


def read_checked(path: str | Path, columns: list[Column], field: str, min_rows: int = 1,
                 max_rows: int | None = None) -> pd.DataFrame:
    """Read a CSV and check every listed column; errors start with ``field``."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise DataError(f"{field}: {str(path)!r} is not a regular file, expected a CSV file")
    if not path.is_file():
        raise DataError(f"{field}: {str(path)!r} does not exist, expected a CSV file")
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{field}: {path} is not a readable CSV ({first})") from None
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataError(f"{field}: {path} lacks column(s) {', '.join(missing)}; expected "
                        + ", ".join(f"{c.name} ({c.describe()})" for c in columns
                                    if c.required))
    if len(frame) < min_rows:
        raise DataError(f"{field}: {path} has {len(frame)} row(s), expected >= {min_rows}")
    if max_rows is not None and len(frame) > max_rows:
        raise DataError(f"{field}: {path} has {len(frame)} rows, expected at most {max_rows}")
    for column in columns:
        if column.name not in frame.columns:
            continue
        raw = frame[column.name]
        if not column.numeric:
            bad = raw.isna() & (not column.blank)
            if column.unique:
                bad |= raw.duplicated()
            if bad.any():
                _bad_row(field, column, raw, bad)
            frame[column.name] = raw.fillna("").astype(str)
            continue
        values = pd.to_numeric(raw, errors="coerce")
        bad = ~np.isfinite(values)
        if column.low is not None:
            bad |= values <= column.low if column.above else values < column.low
        if column.high is not None:
            bad |= values > column.high
        if column.integer:
            bad |= values != np.round(values)
        if bad.any():
            _bad_row(field, column, raw, bad)
        frame[column.name] = values
    return frame


def _bad_row(field: str, column: Column, raw: pd.Series, bad: pd.Series,
             expected: str | None = None) -> None:
    row = int(np.flatnonzero(bad.to_numpy())[0])
    value = raw.iloc[row]
    value = value.item() if isinstance(value, np.generic) else value
    raise DataError(f"{field}: column {column.name} row {row + 2} is {value!r}, "
                    f"expected {expected or column.describe()}")


def check_choice(frame: pd.DataFrame, name: str, choices: tuple[str, ...], field: str) -> None:
    """Every value of text column ``name`` must be one of ``choices``."""
    bad = ~frame[name].isin(choices)
    if bad.any():
        _bad_row(field, Column(name, numeric=False), frame[name], bad,
                 "one of " + ", ".join(choices))


def world_bank(path: str | Path | None = None) -> pd.DataFrame:
    """GDP (current USD) and population by country and year (World Bank, via datahub)."""
    return read_checked(path or DATA / "world_bank_gdp_population.csv", [
        Column("country", numeric=False), Column("iso3", numeric=False),
        Column("year", low=1960, high=2100), Column("gdp_current_usd", low=0, above=True),
        Column("population", low=0, above=True)], "world_bank_gdp_population", 2)


def nato_defence(path: str | Path | None = None) -> pd.DataFrame:
    """Defence expenditure as % of GDP for 31 NATO allies, 2014 and 2024 (estimate)."""
    return read_checked(path or DATA / "nato_defence_pct_gdp.csv", [
        Column("country", numeric=False), Column("iso3", numeric=False),
        Column("pct_gdp_2014", low=0, high=100), Column("pct_gdp_2024e", low=0, high=100)],
        "nato_defence_pct_gdp", 2)


UN_KINDS = ("assessed_share", "uniformed_personnel", "reimbursement_rate")


def un_peacekeeping(path: str | Path | None = None) -> pd.DataFrame:
    """UN peacekeeping: assessed shares, top troop contributors, reimbursement rates."""
    frame = read_checked(path or DATA / "un_peacekeeping.csv", [
        Column("kind", numeric=False), Column("country", numeric=False, blank=True),
        Column("iso3", numeric=False, blank=True), Column("period", numeric=False),
        Column("value", low=0, above=True), Column("unit", numeric=False)],
        "un_peacekeeping", 1)
    check_choice(frame, "kind", UN_KINDS, "un_peacekeeping")
    return frame


def public_goods(path: str | Path | None = None) -> pd.DataFrame:
    """Fischbacher and Gaechter (2010): mean contribution and belief per period."""
    return read_checked(path or DATA / "public_goods_fg2010.csv", [
        Column("period", low=1, high=100),
        Column("mean_contribution_pct_endowment", low=0, high=100),
        Column("mean_belief_tokens_of_20", low=0, high=20)], "public_goods_fg2010", 2)


HTG_TREATMENTS = ("no_punishment", "punishment")


def public_goods_htg(path: str | Path | None = None) -> pd.DataFrame:
    """Herrmann, Thoeni and Gaechter (2008): mean contribution per period in 16 subject pools,
    partners, with and without peer punishment."""
    frame = read_checked(path or DATA / "public_goods_htg2008.csv", [
        Column("city", numeric=False), Column("treatment", numeric=False),
        Column("period", low=1, high=100),
        Column("mean_contribution_tokens_of_20", low=0, high=20)], "public_goods_htg2008", 2)
    check_choice(frame, "treatment", HTG_TREATMENTS, "public_goods_htg2008")
    return frame
