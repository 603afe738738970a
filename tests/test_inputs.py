"""Inputs of every type are refused up front in one line naming the field (issue 14), and a
run can be re-run from its row."""

import shutil

import numpy as np
import pandas as pd
import pytest

import abm
from abm.cli import main
from abm.experiments.store import load_runs
from abm.scenarios.parameters import ParameterError


def test_numpy_scalars_are_numbers_and_flags():
    model = abm.CoalitionModel(rng=np.int64(3), n_nations=np.int64(10),
                               monitoring=np.float32(0.5), side_payments=np.bool_(True))
    assert model.n == 10 and model.p["monitoring"] == 0.5 and model.p["side_payments"] is True
    assert model.seed == 3 and abm.CoalitionModel(seed=3).seed == 3  # Mesa's older name


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_a_bad_seed_is_one_line_naming_it(seed):
    with pytest.raises(ParameterError, match=r"^rng: got .*, expected an integer >= 0"):
        abm.CoalitionModel(rng=seed)


@pytest.mark.parametrize(("rows", "message"), [
    ("A,1e308,5\nB,20,8\n", "column gdp row 2 is 1e+308, expected a number in (0, 1e+06]"),
    ("A,10,5,1.5\nB,20,8,1\n", "column region row 2 is 1.5, expected an integer in [0, 19]"),
    ("A,10,5\nA,20,8\n", "column name row 3 is 'A', expected unique text"),
])
def test_a_bad_nations_file_is_refused_in_one_line(tmp_path, capsys, rows, message):
    header = "name,gdp,population" + (",region" if "1.5" in rows else "")
    path = tmp_path / "nations.csv"
    path.write_text(f"{header}\n{rows}")
    assert main(["run", "--set", f"nations_file={path}", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and not (tmp_path / "o").exists()


def test_a_nations_file_over_the_cap_or_not_a_file_is_refused(tmp_path, capsys):
    big = tmp_path / "big.csv"
    big.write_text("name,gdp,population\n" + "".join(f"N{i},10,5\n" for i in range(5001)))
    for value, message in ((big, "has 5001 rows, expected at most 5000"),
                           (tmp_path, "is not a regular file")):
        assert main(["run", "--set", f"nations_file={value}", "--out",
                     str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err


def test_any_run_of_a_sweep_reruns_from_its_row(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", "--vary", "monitoring=0.2,0.8", "--vary", "n_nations=8,12",
                 "--replicates", "2", "--steps", "6", "--workers", "1", "--no-progress",
                 "--out", str(out)]) == 0
    runs = load_runs(out)
    for _, row in runs.iterrows():  # from the Parquet table
        outcomes = abm.rerun(row).summary["outcomes"]
        assert outcomes["mean_trust_tail_mean"] == row["mean_trust_tail_mean"]
        assert outcomes["final_members"] == row["final_members"]
    as_csv = pd.read_csv(out / "runs.csv").iloc[3].to_dict()  # as R or a spreadsheet has it
    assert abm.rerun(as_csv).summary["outcomes"]["mean_trust_tail_mean"] == pytest.approx(
        as_csv["mean_trust_tail_mean"], rel=1e-12)
    key = runs["key"].iloc[2]
    capsys.readouterr()
    assert main(["rerun", str(out), key[:10]]) == 0
    assert "outcomes equal the row's" in capsys.readouterr().out
    assert (out / f"rerun-{key}" / "summary.json").exists()
    assert main(["rerun", str(out), "nope"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_row_of_another_model_version_is_refused():
    with pytest.raises(ParameterError, match="row: made by model 0.0.1"):
        abm.rerun({"preset": "default", "steps": 2, "seed": 1, "model_version": "0.0.1"})


def test_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    import errno

    from abm.experiments.runs import RunResult

    def full(self, out, overwrite=False):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "model.csv"))

    monkeypatch.setattr(RunResult, "write", full)
    assert main(["run", "--steps", "2", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err == f"coalition: error: No space left on device: {tmp_path / 'model.csv'}\n"


def test_results_follow_the_users_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o027)
    try:
        assert main(["sweep", "--vary", "monitoring=0,1", "--steps", "3", "--workers", "1",
                     "--no-progress", "--out", str(tmp_path / "s")]) == 0
        assert main(["run", "--steps", "2", "--out", str(tmp_path / "r")]) == 0
    finally:
        os.umask(old)
    for path in [*(tmp_path / "s").rglob("*"), *(tmp_path / "r").rglob("*")]:
        if path.name.startswith("."):
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o750 if path.is_dir() else 0o640), (path, oct(mode))


def test_rerun_takes_a_filtered_table_or_a_tuple_and_refuses_an_edited_nations_file(tmp_path):
    nations = tmp_path / "nations.csv"
    nations.write_text("name,gdp,population\nA,10,5\nB,20,8\nC,30,9\nD,5,2\n")
    out = tmp_path / "s"
    assert main(["sweep", "--vary", "monitoring=0.2,0.8", "--set", f"nations_file={nations}",
                 "--steps", "4", "--workers", "1", "--no-progress", "--out", str(out)]) == 0
    runs = load_runs(out)
    one = runs[runs["key"] == runs["key"].iloc[1]]
    expected = runs["mean_trust_tail_mean"].iloc[1]
    assert abm.rerun(one).summary["outcomes"]["mean_trust_tail_mean"] == expected
    row = next(runs.iloc[[1]].itertuples(index=False))
    assert abm.rerun(row).summary["outcomes"]["mean_trust_tail_mean"] == expected
    with pytest.raises(ParameterError, match="got a table of 2 rows"):
        abm.rerun(runs)
    nations.write_text(nations.read_text() + "E,40,10\n")
    with pytest.raises(ParameterError, match="made by other code or another nations file"):
        abm.rerun(runs.iloc[1])


def test_a_parameter_both_fixed_and_varied_is_refused(capsys):
    assert main(["sweep", "--vary", "monitoring=0,1", "--set", "monitoring=0.5"]) == 2
    err = capsys.readouterr().err
    assert err == ("coalition: error: fixed: monitoring is also a factor of the design; "
                   "expected each parameter fixed or varied, not both\n")


def test_a_sweep_does_not_replace_another_studys_committed_results(tmp_path, capsys):
    """A study's folder as a clone has it: manifest, README and summary, no runs."""
    out = tmp_path / "cohesion"
    args = ["sweep", "--vary", "monitoring=0,1", "--steps", "3", "--workers", "1",
            "--no-progress", "--out", str(out)]
    assert main(args) == 0
    shutil.rmtree(out / "runs")  # (not in git)
    (out / "runs.csv").unlink()
    summary = (out / "summary.csv").read_text()
    other = ["sweep", "--vary", "monitoring=0,0.5", *args[3:]]
    assert main(other) == 2
    assert "holds the results of another study" in capsys.readouterr().err
    assert (out / "summary.csv").read_text() == summary
    assert main(args) == 0  # the same study again (as after a change of the model's code)


def test_bad_output_paths_are_refused_before_any_work(tmp_path, capsys):
    a_file = tmp_path / "README.md"
    a_file.write_text("mine")
    assert main(["calibrate", "nato", "--quick", "--out", str(a_file)]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert main(["discover", str(tmp_path), "--where", "retention < 0.5",
                 "--figure", str(tmp_path / "nowhere" / "x.png")]) == 2
    assert "--figure:" in capsys.readouterr().err


def test_output_piped_to_a_reader_that_leaves_ends_quietly(tmp_path):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "abm", "sweep", "--vary", "monitoring=0,1",
                             "--steps", "3", "--workers", "1", "--no-progress", "--out",
                             str(tmp_path / "s")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"2 runs")
    proc.stdout.close()  # as `| head -1` does: the next line has no reader
    assert proc.wait(timeout=120) == 0 and proc.stderr.read() == b""
