# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench studies studies-quick validation docs screenshots app classroom clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; install Python >= 3.12 or run make PYTHON=/path/to/python3.12"; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/coalition run --preset default --steps 100 --seed 1 --out results/default

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The classroom app on http://localhost:8765 (this machine only; see README for a class network).
app: $(STAMP)
	$(BIN)/coalition app

# The shared game for a whole class on http://<this machine>:8000 (see docs/classroom.md).
classroom: $(STAMP)
	$(BIN)/coalition classroom --host 0.0.0.0

lint: $(STAMP)
	$(BIN)/ruff check abm tests benchmarks experiments docs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_calibrate.py
	$(BIN)/python benchmarks/bench_classroom.py

# The five studies: quick mode (a minute, for checking) and full mode (what results/ holds:
# about 35 minutes on 2 cores, most of it the Sobol indices).
studies-quick: $(STAMP)
	for s in free_riding cohesion institutions screening sensitivity; do \
	  $(BIN)/coalition sweep experiments/$$s.py --quick || exit 1; done

studies: $(STAMP)
	for s in free_riding cohesion institutions screening sensitivity; do \
	  $(BIN)/coalition sweep experiments/$$s.py || exit 1; done

# The validation checks and the calibrations (results/validation/; about 40 minutes on 2 cores).
validation: $(STAMP)
	$(BIN)/python experiments/validation.py
	$(BIN)/python experiments/calibration.py

docs: $(STAMP)
	$(BIN)/python -c "from abm.scenarios.parameters import update_odd; update_odd()"

# docs/images/*.png, the screenshots in docs/classroom.md (needs /usr/bin/chromium).
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py
	$(BIN)/python docs/screenshots_shared.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
