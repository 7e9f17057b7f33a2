# `make demo` and `make test` set the environment up first when needed.
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV

.PHONY: setup lint test demo docs clean-venv

setup:
	@bash tools/setup_env.sh

# style checks (setup.cfg): flake8, isort, yapf; LINT_PATHS picks the files
LINT_PATHS ?= hyatt_mmpose hyatt_mmpose_allocator.py tools tests bench configs docs setup.py
lint: setup
	$(PY) -m flake8 --config setup.cfg $(LINT_PATHS)
	$(PY) -m isort --settings-path setup.cfg --check-only --diff $(LINT_PATHS)
	$(PY) -m yapf --style setup.cfg --diff --recursive $(LINT_PATHS)

# the whole suite, as CI runs it; PYTEST_ARGS adds pytest's options:
# PYTEST_ARGS="-m 'not slow'" is the fast path while developing (the tests
# marked slow left out: about a minute on 2 cores), PYTEST_ARGS="-k bra" one
# topic
test: setup
	$(PY) -m pytest tests $(PYTEST_ARGS)

# trains, tests and predicts on the synthetic set (tools/demo.sh): seed 0 by
# default, so the same MRE on the same machine each time; SEED=123 draws
# another, SEED=random a fresh one (printed)
demo: setup
	@bash tools/demo.sh

# the documentation site in docs/_build/html: warnings and unresolved
# references are errors (docs/conf.py says which third-party names are
# left unresolved, and why); every page is read each time (-E), since an
# incremental build would not repeat the warnings of pages it keeps
docs: setup
	$(PY) -m sphinx -E -W --keep-going -n -q -b html docs docs/_build/html

clean-venv:
	rm -rf $(VENV)
