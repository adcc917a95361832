# The two commands in README.md: `make demo` and `make test`. Both set up .venv first
# (tools/setup_venv.sh does nothing when it is already up to date).
VENV := .venv

.PHONY: setup demo test lint bench models

setup:
	tools/setup_venv.sh

demo: setup
	$(VENV)/bin/emotion-ros run default_input --duration 20

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The default models from the real data sets (tools/prepare_datasets.py fills DATA from clones).
DATA ?= $(HOME)/datasets
models: setup
	$(VENV)/bin/python tools/make_default_models.py --data $(DATA)

bench: setup
	for script in bench/bench_*.py; do $(VENV)/bin/python $$script || exit 1; done
