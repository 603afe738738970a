"""The ``coalition`` command: run a scenario, list presets and parameters.

Errors in what the user typed end in one line on stderr and exit status 2, with nothing written.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from .classroom import launch
from .scenarios.parameters import PARAMETERS, ParameterError, parse_value
from .scenarios.presets import DESCRIPTIONS, presets


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message: str):  # one line, status 2, no usage dump
        # argparse prefixes a type error with "argument --steps: "; our message names the field
        head, _, rest = message.partition(": ")
        if head.startswith("argument ") and ": got " in rest:
            message = rest
        self.exit(2, f"{self.prog.split()[0]}: error: {message}\n")


def _integer(name: str, low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(
                f"{name}: got {text!r}, expected an integer >= {low}")
        return value
    parse.__name__ = name
    return parse


def _overrides(pairs: Sequence[str]) -> dict:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"--set: got {pair!r}, expected name=value")
        name, text = pair.split("=", 1)
        out[name.strip()] = parse_value(name.strip(), text)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="coalition", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    run = sub.add_parser("run", help="run one scenario and write its results")
    run.add_argument("--preset", default="default", help="scenario name (see `presets`)")
    run.add_argument("--steps", type=_integer("steps", 1), default=None,
                     help="mandate cycles to run (default: the preset's)")
    run.add_argument("--seed", type=_integer("seed", 0), default=1,
                     help="random seed (fixes the run)")
    run.add_argument("--out", default=None, help="output folder (default results/<preset>)")
    run.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="NAME=VALUE", help="override a parameter (repeatable)")
    run.add_argument("--overwrite", action="store_true",
                     help="replace the four files of a different run in --out (never other "
                          "files)")
    sweep = sub.add_parser(
        "sweep", help="run a parameter sweep: an experiment script, a study file, or --vary",
        description="Run a parameter sweep: an experiment script (experiments/*.py), a study "
                    "file (*.toml; schema in abm/experiments/study.py and the README), or "
                    "factors given with --vary.")
    sweep.add_argument("script", nargs="?", default=None,
                       help="an experiment script (e.g. experiments/free_riding.py) or a study "
                            "file (e.g. study.toml); omit it to sweep the --vary factors")
    sweep.add_argument("--preset", default=None, help="with --vary: the scenario (default "
                                                      "'default')")
    sweep.add_argument("--vary", action="append", default=[], metavar="NAME=LEVELS",
                       help="with no script: a factor, as name=v1,v2,... or name=low:high:n "
                            "(repeatable; all combinations are run)")
    sweep.add_argument("--replicates", type=_integer("replicates", 1), default=None,
                       help="with --vary: runs per design point (default 1)")
    sweep.add_argument("--steps", type=_integer("steps", 1), default=None,
                       help="with --vary: cycles per run (default: the preset's)")
    sweep.add_argument("--seed", type=_integer("seed", 0), default=None,
                       help="with --vary: the experiment seed (default 0)")
    sweep.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="NAME=VALUE", help="with --vary: a parameter fixed for every "
                                                  "run (repeatable)")
    add_sweep_options(sweep)
    found = sub.add_parser(
        "discover", help="scenario discovery: the parameter ranges where an outcome happens",
        description="PRIM boxes (EMA Workbench) over a sweep's runs: the ranges of the varied "
                    "parameters where a condition on an outcome holds, with coverage and "
                    "density, and the peeling trade-off drawn.")
    found.add_argument("folder", help="a sweep's results folder (holding runs/)")
    found.add_argument("--where", required=True, metavar="CONDITION",
                       help="an outcome column of the runs table, a comparison and a number, "
                            "e.g. \"retention < 0.5\"")
    found.add_argument("--boxes", type=_integer("boxes", 1), default=2,
                       help="most boxes to find (default 2)")
    found.add_argument("--min-coverage", type=float, default=0.5,
                       help="on each peeling trajectory, the densest box keeping at least this "
                            "share of the cases still to explain (default 0.5)")
    found.add_argument("--figure", default=None,
                       help="where to draw the peeling trade-off (default FOLDER/discover-"
                            "<condition>.png)")
    again = sub.add_parser(
        "rerun", help="run again one run of a sweep, from its row, and write its frames",
        description="Run again the run with key KEY (or a unique prefix of it) in a sweep's "
                    "folder, from its row of the runs table, and write its model and nation "
                    "frames, summary and figure.")
    again.add_argument("folder", help="a sweep's results folder (holding runs/)")
    again.add_argument("key", help="the run's key (the runs table's `key` column), or a "
                                   "unique prefix of it")
    again.add_argument("--out", default=None,
                       help="output folder (default FOLDER/rerun-<key>)")
    again.add_argument("--overwrite", action="store_true",
                       help="replace the four files of a different run in --out")
    fit = sub.add_parser(
        "calibrate", help="fit parameters to a data set, with uncertainty (ABC-SMC)",
        description="Approximate Bayesian computation (ABC-SMC): the posterior of a target's "
                    "parameters given its data's summary statistics, and a posterior "
                    "predictive check on statistics that were not fitted.")
    fit.add_argument("target", help="the data set: fg2010, htg2008 or nato (see "
                                    "abm/experiments/targets.py)")
    fit.add_argument("--param", dest="params", action="append", default=[],
                     metavar="NAME=LOW:HIGH",
                     help="free a parameter with a uniform prior on [LOW, HIGH] (repeatable; "
                          "default: the target's own)")
    fit.add_argument("--population", type=_integer("population", 2), default=None,
                     help="particles per generation (default 200; 40 with --quick)")
    fit.add_argument("--generations", type=_integer("generations", 0), default=None,
                     help="generations after the prior's (default 8; 2 with --quick)")
    fit.add_argument("--draws", type=_integer("draws", 1), default=None,
                     help="posterior predictive runs (default 200; 40 with --quick)")
    fit.add_argument("--seed", type=_integer("seed", 0), default=0,
                     help="the calibration's seed (fixes the posterior; default 0)")
    fit.add_argument("--overwrite", action="store_true",
                     help="replace a different calibration's files in --out (never other "
                          "files)")
    add_run_options(fit, out="results/calibration/<target>, or <target>-quick")
    add_dask_option(fit)
    app = sub.add_parser("app", help="serve the single-player classroom app in the browser")
    add_server_options(app, 8765)
    room = sub.add_parser("classroom", help="serve the shared game: a class in one coalition, "
                                            "with the teacher's dashboard and a projector page")
    add_server_options(room, 8000)
    room.add_argument("--out", type=Path, default=Path("results/classroom"),
                      help="where each game's record is saved when it ends (default "
                           "results/classroom; a new folder per game)")
    room.add_argument("--public-url", default="",
                      help="the address students type, if not this machine's (e.g. behind "
                           "a proxy): http://host:port")
    room.add_argument("--keep-ended", type=_integer("keep-ended", 0), default=6,
                      metavar="HOURS", help="hours a game that ended keeps its debrief and "
                                            "downloads on the server (default 6)")
    sub.add_parser("presets", help="list the presets")
    sub.add_parser("params", help="list every parameter with default, range, unit, meaning")
    return parser


def _port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port: got {text!r}, expected an integer in "
                                         "[1, 65535]")
    return value


def add_server_options(parser: argparse.ArgumentParser, port: int) -> None:
    parser.add_argument("--port", type=_port_number, default=port,
                        help=f"port (default {port})")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; "
                             "0.0.0.0 serves the whole network)")


def add_run_options(parser: argparse.ArgumentParser,
                    out: str = "results/<name>, or results/<name>-quick") -> None:
    """Options every sweep-running command shares (workers, output, progress)."""
    parser.add_argument("--quick", action="store_true",
                        help="the quick mode (a small design: a check, seconds to a minute)")
    parser.add_argument("--workers", type=_integer("workers", 1), default=None,
                        help="worker processes (default: all cores)")
    parser.add_argument("--out", default=None, help=f"results folder (default {out})")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no progress bar")


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask", nargs="?", const=True, default=None, metavar="ADDRESS",
                        help="run on Dask: a new LocalCluster, or the scheduler at ADDRESS")


def add_sweep_options(parser: argparse.ArgumentParser) -> None:
    add_run_options(parser)
    add_dask_option(parser)
    parser.add_argument("--retry-failed", action="store_true",
                        help="run again the runs recorded as failed")
    parser.add_argument("--no-csv", dest="csv", action="store_false",
                        help="skip the runs.csv export")


def _terminated(signum, frame):  # noqa: ARG001 - the signal handler's signature
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a cluster's scheduler, `kill`) ends a sweep as Ctrl-C does: the session is
        # recorded as interrupted and the workers are shut down.
        signal.signal(signal.SIGTERM, _terminated)
    try:
        if args.command == "presets":
            width = max(map(len, presets))
            for name in presets:
                print(f"{name:<{width}}  {DESCRIPTIONS[name]}")
        elif args.command == "params":
            print(params_table())
        elif args.command == "run":
            return _run(args)
        elif args.command == "app":
            launch.single_player(args.host, args.port)
        elif args.command == "classroom":
            launch.shared_game(args.host, args.port, args.out, args.public_url,
                               3600.0 * args.keep_ended)
        elif args.command == "sweep":
            return _sweep(args)
        elif args.command == "discover":
            return _discover(args)
        elif args.command == "calibrate":
            return _calibrate(args)
        elif args.command == "rerun":
            return _rerun(args)
    except ParameterError as err:
        print(f"coalition: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left (`coalition ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        if err.errno not in _USER_ERRORS:
            raise
        # a full disk, a read-only or forbidden folder: the user's to fix (what finished
        # is on disk: every file is written aside and moved into place whole)
        where = f": {err.filename}" if err.filename else ""
        print(f"coalition: error: {err.strerror}{where}", file=sys.stderr)
        return 2
    return 0


_USER_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS}


def script_main(path: str, argv: Sequence[str] | None = None) -> int:
    """``python experiments/<name>.py [options]``: the same as ``coalition sweep <script>``."""
    return main(["sweep", path, *(sys.argv[1:] if argv is None else argv)])


def _sweep(args: argparse.Namespace) -> int:
    """A script's sweep and analysis, or a declarative study's sweep and summary."""
    from .experiments.scripts import run_script, run_study
    from .experiments.study import load_study, vary

    options = dict(out=args.out, workers=args.workers, dask=args.dask, progress=args.progress,
                   retry_failed=args.retry_failed, csv=args.csv)
    cli_only = {"--vary": args.vary, "--preset": args.preset, "--replicates": args.replicates,
                "--steps": args.steps, "--seed": args.seed, "--set": args.overrides}
    given = [flag for flag, value in cli_only.items() if value not in (None, [])]
    if args.script is None:
        if not args.vary:
            raise ParameterError("sweep: nothing to run, expected a script, a study file or "
                                 "at least one --vary name=levels")
        if args.quick:
            raise ParameterError("--quick: got --vary factors, expected an experiment script "
                                 "(only a script has a quick mode)")
        study = vary(args.preset or "default", args.vary,
                     replicates=args.replicates or 1, seed=args.seed or 0, steps=args.steps,
                     fixed=_overrides(args.overrides))
        return run_study(study, **options)
    if given:
        raise ParameterError(f"{given[0]}: got a script or study file too, expected the "
                             "factors and settings in the file or on the command line, not "
                             "both")
    if args.script.endswith(".toml"):
        if args.quick:
            raise ParameterError("--quick: got a study file, expected an experiment script "
                                 "(a study file has no quick mode: write a smaller one)")
        return run_study(load_study(args.script), **options)
    if not args.script.endswith(".py"):
        raise ParameterError(f"script: got {args.script!r}, expected an experiment script "
                             "(.py) or a study file (.toml)")
    return run_script(args.script, quick=args.quick, **options)


def _discover(args: argparse.Namespace) -> int:
    from .experiments.discovery import discover_folder, parse_condition

    column, sign, value = parse_condition(args.where)
    if args.figure:  # checked before the work, not after
        chosen = Path(args.figure)
        if not chosen.parent.is_dir():
            raise ParameterError(f"--figure: {chosen.parent} is not a folder")
        if chosen.suffix.lower() not in (".png", ".pdf", ".svg", ".jpg", ".jpeg"):
            raise ParameterError(f"--figure: got {chosen.name!r}, expected a .png, .pdf, .svg "
                                 "or .jpg file")
    result = discover_folder(args.folder, args.where, min_coverage=args.min_coverage,
                             max_boxes=args.boxes)
    names = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
    default = Path(args.folder) / f"discover-{column}-{names[sign]}-{value:g}.png"
    figure = Path(args.figure) if args.figure else default
    print(result.report())
    result.plot_tradeoff().savefig(figure, dpi=150)
    print(f"peeling trade-off drawn in {figure}")
    return 0


def _rerun(args: argparse.Namespace) -> int:
    from .experiments.runs import rerun_folder

    return rerun_folder(args.folder, args.key, out=args.out, overwrite=args.overwrite)


def _prior(text: str) -> tuple[str, tuple[float, float]]:
    name, sep, bounds = text.partition("=")
    low, colon, high = bounds.partition(":")
    try:
        if not (sep and colon):
            raise ValueError
        return name.strip(), (float(low), float(high))
    except ValueError:
        raise ParameterError(f"--param: got {text!r}, expected name=low:high") from None


def _calibrate(args: argparse.Namespace) -> int:
    from .experiments.calibration_report import run_calibration

    return run_calibration(
        args.target, dict(map(_prior, args.params)), out=args.out, quick=args.quick,
        population=args.population, generations=args.generations, draws=args.draws,
        seed=args.seed, workers=args.workers, dask=args.dask, progress=args.progress,
        overwrite=args.overwrite)


def _run(args: argparse.Namespace) -> int:
    from .experiments.runs import run

    overrides = _overrides(args.overrides)
    result = run(args.preset, steps=args.steps, seed=args.seed, **overrides)
    out = args.out or f"results/{args.preset}"
    paths = result.write(out, overwrite=args.overwrite)
    o = result.summary["outcomes"]
    print(f"{result.summary['preset']}: {result.summary['n_nations']} nations, "
          f"{result.summary['steps']} cycles, seed {result.summary['seed']}, "
          f"model {result.summary['model_version']}")
    print(f"  last-fifth means: effectiveness {_f(o['effectiveness_tail_mean'])}, "
          f"free-riding {_f(o['free_riding_rate_tail_mean'])}, "
          f"exploitation rho {_f(o['exploitation_rho_tail_mean'])}, "
          f"mean trust {_f(o['mean_trust_tail_mean'])}")
    print(f"  members at the end {o['final_members']}/{result.summary['n_nations']}, "
          f"exits {o['total_exits']}")
    print(f"  wrote {', '.join(str(p) for p in paths)}")
    return 0


def _f(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def params_table() -> str:
    rows = [("name", "default", "allowed", "unit", "meaning")]
    for p in PARAMETERS.values():
        rows.append((p.name, str(p.default), p.allowed, p.unit, p.meaning))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4]
                     for r in rows)


if __name__ == "__main__":
    sys.exit(main())
