"""Record the golden runs: the model and nation frames of three seeds of every preset.

``tests/integration/test_golden.py`` checks that the model still produces these frames bit for
bit. Run this script only when a change of behaviour is intended, and commit the new files in
a commit of their own that says why::

    .venv/bin/python tests/golden/regenerate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import abm

HERE = Path(__file__).resolve().parent
SEEDS = (1, 2, 3)


def golden_runs() -> list[tuple[str, int]]:
    """(preset, seed) of every golden run, each run for its preset's default number of steps."""
    return [(preset, seed) for preset in abm.presets for seed in SEEDS]


def path(preset: str, seed: int, frame: str) -> Path:
    return HERE / f"{preset}-seed{seed}-{frame}.parquet"


def frames(preset: str, seed: int) -> dict[str, pd.DataFrame]:
    result = abm.run(preset, seed=seed)
    return {"model": result.model_frame, "nations": result.nation_frame}


def write(frame: pd.DataFrame, target: Path) -> None:
    """Exact values (float64 as stored); byte-stream-split floats compress best."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    others = [f.name for f in table.schema if f.name not in floats]
    pq.write_table(table, target, compression="zstd", compression_level=19,
                   use_byte_stream_split=floats, use_dictionary=others)


def read(preset: str, seed: int, frame: str) -> pd.DataFrame:
    return pd.read_parquet(path(preset, seed, frame))


def main() -> int:
    for preset, seed in golden_runs():
        for name, frame in frames(preset, seed).items():
            write(frame, path(preset, seed, name))
        print(f"{preset} seed {seed}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
