"""Time per run of the model: the default scenario (30 nations, 100 cycles, full data
collection, i.e. both tidy frames built) and larger populations. Prints medians."""

from __future__ import annotations

import argparse
import statistics
import time

import abm


def time_run(repeats: int, **kwargs) -> list[float]:
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        model = abm.CoalitionModel(rng=seed, **kwargs)
        model.run_for(100)
        model.model_frame()
        model.nation_frame()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    time_run(3)  # warm-up: imports, caches
    default = time_run(args.repeats)
    print(f"default scenario (30 nations x 100 cycles): median "
          f"{statistics.median(default) * 1e3:.1f} ms per run, fastest {min(default) * 1e3:.1f} "
          f"ms, over {args.repeats} runs (target <= 40 ms)")
    for n, repeats in ((300, 5), (1000, 3)):
        t = time_run(repeats, n_nations=n)
        print(f"{n} nations x 100 cycles: median {statistics.median(t):.2f} s per run over "
              f"{repeats} runs" + (" (target <= 30 s)" if n == 1000 else ""))


if __name__ == "__main__":
    main()
