# One task runner: `make help` lists the targets.
PY ?= .venv/bin/python
SHARED ?= ../shared

.PHONY: help install test lint types score bench bench-corpus demo
help:  ## list targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'
install:  ## create .venv and install taskmap with the test extras
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'
test:  ## run the tests (as CI does)
	$(PY) -m pytest -q
lint:  ## ruff
	.venv/bin/ruff check .
types:  ## mypy on the package (as CI does)
	.venv/bin/mypy taskmap
score:  ## score extraction against ../shared/gold
	$(PY) $(SHARED)/eval/score.py extract --gold $(SHARED)/gold --cmd "$(PY) -m taskmap extract {file} --format json"
bench:  ## run the benchmarks (on demand, never in CI)
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_big.py
	$(PY) benchmarks/bench_corpus.py
bench-corpus:  ## many plans only: cores, memory at 4,200 and 42,000 plans, dataset, Dask
	$(PY) benchmarks/bench_corpus.py
demo:  ## extract the demo plans
	for f in data/*.txt; do .venv/bin/taskmap extract "$$f"; done
