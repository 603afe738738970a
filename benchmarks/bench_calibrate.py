"""``coalition calibrate``'s costs: runs per second and wall time on 1 and 2 workers, and the
engine's overhead against a plain loop making the same simulations. Prints the figures.

    python benchmarks/bench_calibrate.py [--target fg2010] [--population 100] [--generations 4]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from abm.experiments.calibration import calibrate
from abm.experiments.executors import make_executor
from abm.experiments.targets import TARGETS, simulate


def timed_calibration(target, population: int, generations: int, workers: int):
    executor, workers, _, close = make_executor(workers, None)
    try:
        executor.submit(int, 0).result()  # start the workers before the clock
        start = time.perf_counter()
        posterior = calibrate(target, population, generations, seed=1, executor=executor)
        return posterior, time.perf_counter() - start
    finally:
        close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="fg2010", choices=list(TARGETS))
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--generations", type=int, default=4)
    args = parser.parse_args()
    target = TARGETS[args.target]

    serial, serial_s = timed_calibration(target, args.population, args.generations, 1)
    frame = serial.frame()
    # The plain loop: the same parameter vectors and seeds, simulated one after another.
    jobs = [(dict(zip(serial.names, map(float, row))), int(seed))
            for row, seed in zip(frame[serial.names].to_numpy(), frame["seed"])]
    start = time.perf_counter()
    for params, seed in jobs:
        simulate(target, params, seed)
    loop_s = (time.perf_counter() - start) * serial.simulations / len(jobs)
    parallel, parallel_s = timed_calibration(target, args.population, args.generations, 2)
    assert np.array_equal(serial.particles, parallel.particles)

    runs = serial.simulations
    print(f"calibrate {args.target}: population {args.population}, {args.generations} "
          f"generations, {runs:,} runs (identical posterior on 1 and 2 workers)")
    print(f"  plain loop of the same runs : {runs / loop_s:7.1f} runs/s")
    print(f"  calibrate, 1 worker         : {runs / serial_s:7.1f} runs/s, {serial_s:6.1f} s "
          f"(overhead {100 * (serial_s / loop_s - 1):+.1f} % against the loop)")
    print(f"  calibrate, 2 workers        : {runs / parallel_s:7.1f} runs/s, "
          f"{parallel_s:6.1f} s (speed-up {serial_s / parallel_s:.2f}x)")


if __name__ == "__main__":
    main()
