"""The default run (as ``bench_model``: 100 cycles, both frames) timed side by side for this
tree and an earlier commit, in alternating fresh processes so that both see the same machine
state. Prints each version's median of per-process medians and their ratio.

    .venv/bin/python benchmarks/compare_versions.py 479f89d --rounds 16

It needs a git checkout (not a source archive). The earlier commit is checked out in a
temporary git worktree (removed afterwards) and imported ahead of the installed package;
nothing is written under ``results/``. A bad revision or a failing run ends in a one-line
error (exit 2), with the child's own error output when a run fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: put ``tree`` first on the path (and drop the editable install's
# finder, which would otherwise import this tree), then time ``runs`` default runs.
TIMER = """
import statistics, sys, time
tree, runs = sys.argv[1], int(sys.argv[2])
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, tree)
import abm
assert abm.__file__.startswith(tree), abm.__file__
def once(seed):
    start = time.perf_counter()
    model = abm.CoalitionModel(rng=seed)
    model.run_for(100)
    model.model_frame()
    model.nation_frame()
    return time.perf_counter() - start
for seed in range(3):
    once(seed)  # warm-up: imports, caches
print(statistics.median(once(seed) for seed in range(runs)))
"""


def time_tree(tree: Path, runs: int) -> float:
    out = subprocess.run([sys.executable, "-c", TIMER, str(tree), str(runs)],
                         capture_output=True, text=True, cwd=tempfile.gettempdir())
    if out.returncode:
        sys.stderr.write(out.stderr)
        print(f"compare_versions: the run of {tree} failed (its errors above)",
              file=sys.stderr)
        raise SystemExit(2)
    return float(out.stdout.split()[-1])


def at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the earlier version (any git revision)")
    parser.add_argument("--rounds", type=at_least_one, default=8,
                        help="alternations (default 8)")
    parser.add_argument("--runs", type=at_least_one, default=25,
                        help="runs per process (default 25)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        earlier = Path(scratch) / "earlier"
        added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach",
                                "--quiet", str(earlier), args.commit],
                               capture_output=True, text=True)
        if added.returncode:
            reason = (added.stderr.strip().splitlines() or ["git worktree add failed"])[-1]
            print(f"compare_versions: cannot check out {args.commit!r}: {reason}",
                  file=sys.stderr)
            raise SystemExit(2)
        try:
            times: dict[str, list[float]] = {"earlier": [], "this": []}
            for _ in range(args.rounds):
                times["earlier"].append(time_tree(earlier, args.runs))
                times["this"].append(time_tree(ROOT, args.runs))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(earlier)], check=True)
    before, now = statistics.median(times["earlier"]), statistics.median(times["this"])
    spread = max(t / b for t, b in zip(times["this"], times["earlier"], strict=True))
    low = min(t / b for t, b in zip(times["this"], times["earlier"], strict=True))
    print(f"default run, {args.rounds} alternations x {args.runs} runs: {args.commit} "
          f"{before * 1e3:.1f} ms, this tree {now * 1e3:.1f} ms: ratio {now / before:.3f} "
          f"(per alternation {low:.3f} to {spread:.3f})")


if __name__ == "__main__":
    main()
