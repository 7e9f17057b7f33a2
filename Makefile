# `make demo` and `make test` set the environment up first when needed.
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV

.PHONY: setup test demo clean-venv

setup:
	@bash tools/setup_env.sh

test: setup
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: setup
	@bash tools/demo.sh

clean-venv:
	rm -rf $(VENV)
