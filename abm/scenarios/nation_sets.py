"""Real nation sets built from the shipped data (``abm/scenarios/data``, sources in its
SOURCES.md).

Each builder turns the raw files into a nations table (name, gdp in bn USD, population, and
what else the data gives) that ``nations_file`` accepts by name. The tables are committed
under ``abm/scenarios/data/nations/`` and rebuilt with ``python -m abm.scenarios.nation_sets``
(a test keeps them in step with the builders).

>>> sorted(BUILDERS)
['nato_2014', 'un_members_2019']
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import datasets
from .datasets import DATA, DataError

NATIONS = DATA / "nations"

# World Bank aggregates (regions, income groups, lending groups, the world): not countries.
WORLD_BANK_AGGREGATES = frozenset((
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU",
    "FCS", "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC",
    "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS",
    "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC",
    "WLD",
))
# Economies in the World Bank list that are not UN member states (territories, Kosovo, and
# Palestine, a UN observer state).
NOT_UN_MEMBERS = frozenset((
    "ABW", "ASM", "BMU", "CHI", "CUW", "CYM", "FRO", "GIB", "GRL", "GUM", "HKG", "IMN",
    "MAC", "MAF", "MNP", "NCL", "PRI", "PSE", "PYF", "SXM", "TCA", "VGB", "VIR", "XKX",
))


def _world_bank_year(year: int) -> pd.DataFrame:
    bank = datasets.world_bank()
    return bank[bank["year"] == year].set_index("iso3")


def nato_2014() -> pd.DataFrame:
    """NATO's 31 allies (Iceland has no armed forces) with 2014 GDP and population, and their
    2014 defence spending as the funds they start from (``funds_start``, share of GDP)."""
    allies = datasets.nato_defence().set_index("iso3")
    bank = _world_bank_year(2014)
    missing = sorted(set(allies.index) - set(bank.index))
    if missing:
        raise DataError(f"world_bank_gdp_population: no 2014 row for NATO allies "
                        f"{', '.join(missing)}")
    bank = bank.loc[allies.index]
    return pd.DataFrame({
        "name": allies["country"].to_numpy(),
        "iso3": allies.index.to_numpy(),
        "gdp": bank["gdp_current_usd"].to_numpy() / 1e9,
        "population": bank["population"].to_numpy(),
        "funds_start": allies["pct_gdp_2014"].to_numpy() / 100.0,
    })


def un_members_2019() -> pd.DataFrame:
    """The UN member states with World Bank GDP and population for 2019: the contributor set
    of peacekeeping (every member is assessed, any may send troops)."""
    bank = _world_bank_year(2019)
    members = bank[~bank.index.isin(WORLD_BANK_AGGREGATES | NOT_UN_MEMBERS)]
    return pd.DataFrame({
        "name": members["country"].to_numpy(),
        "iso3": members.index.to_numpy(),
        "gdp": members["gdp_current_usd"].to_numpy() / 1e9,
        "population": members["population"].to_numpy(),
    })


BUILDERS: dict[str, Callable[[], pd.DataFrame]] = {
    "nato_2014": nato_2014, "un_members_2019": un_members_2019}


def nations_path(value: str) -> Path:
    """The file a ``nations_file`` value names: a built-in set by name, or a path."""
    return NATIONS / f"{value}.csv" if value in BUILDERS else Path(value)


def write_all(directory: Path = NATIONS) -> list[Path]:
    """(Re)build every nation set from the raw data."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = directory / f"{name}.csv"
        build().to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
    sys.exit(0)
