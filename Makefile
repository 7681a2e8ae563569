# Workbench: developer and CI entry points.
#
#   make venv        create/refresh .venv from pyproject.toml + constraints.txt
#   make chromium    install Debian's chromium (for browser tests) if missing
#   make demo        build the demo shop database and render the due reports
#   make test        run the test suite (what .ci/run calls)
#   make lab         JupyterLab on 127.0.0.1, notebooks/ as root
#   make dashboards  Voila over notebooks/ on 127.0.0.1:8866
#   make bench       run every benchmarks/*.py with --check
#   make clean       remove caches and build leftovers (keeps .venv and data)
#   make distclean   clean + remove .venv

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

LAB_PORT       ?= 8888
DASHBOARD_PORT ?= 8866
# 2 xdist workers; loadfile keeps each test file / notebook on one worker
# (nbval cells of one notebook share a kernel and break when split across workers).
PYTEST_ARGS    ?= -n 2 --dist loadfile

# Use sudo for system packages only when we are not root already.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: venv chromium demo test lab dashboards bench clean distclean

# venv: (re)install whenever pyproject.toml or constraints.txt is newer than the stamp.
venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# chromium: the browser tests drive /usr/bin/chromium (Playwright's own download is not used).
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: /usr/bin/chromium present"; \
	else \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

# demo: build the demo shop, then run every scheduled report once; the CLI prints where the HTML is.
demo: venv
	$(BIN)/workbench demo
	$(BIN)/workbench schedule run-due --all
	@echo "HTML reports are under $(CURDIR)/reports/"

# test: full suite in parallel (serial: make test PYTEST_ARGS=).
test: venv chromium
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# lab: JupyterLab for analysts, local only, no browser opened.
lab: venv
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --allow-root --no-browser \
		--ServerApp.root_dir=notebooks

# dashboards: staff-facing Voila (no code, no tracebacks); settings also in voila.json.
dashboards: venv
	$(BIN)/voila notebooks/ --no-browser --Voila.ip=127.0.0.1 --port=$(DASHBOARD_PORT) \
		--strip_sources=True --show_tracebacks=False --template=lab --theme=light

# bench: every benchmark script in check mode; fails on the first failing one.
bench: venv
	@set -e; for f in benchmarks/[!_]*.py; do \
		[ -e "$$f" ] || { echo "bench: no benchmarks/*.py"; exit 0; }; \
		echo "== $$f"; $(BIN)/python "$$f" --check; \
	done

# clean: caches and build leftovers only; never touches .venv, data/ or reports/.
clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache *.egg-info build dist benchmarks/out

# distclean: clean, and drop the virtualenv too.
distclean: clean
	rm -rf $(VENV)
