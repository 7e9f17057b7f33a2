# `make demo` and `make test` set the environment up first when needed.
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV

.PHONY: setup lint test demo clean-venv

setup:
	@bash tools/setup_env.sh

# style checks (setup.cfg): flake8, isort, yapf; LINT_PATHS picks the files
LINT_PATHS ?= hyatt_mmpose tools tests bench configs setup.py
lint: setup
	$(PY) -m flake8 --config setup.cfg $(LINT_PATHS)
	$(PY) -m isort --settings-path setup.cfg --check-only --diff $(LINT_PATHS)
	$(PY) -m yapf --style setup.cfg --diff --recursive $(LINT_PATHS)

test: setup
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: setup
	@bash tools/demo.sh

clean-venv:
	rm -rf $(VENV)
