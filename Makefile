# Quorum: `make run` serves the demo city, `make test` runs the whole suite.
# Both set up everything they need first; nothing else is required.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
NPM_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres setup migrate demo lint lock system-deps bench-packs bench-search bench-reader test-s3 clean

$(INSTALLED): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

# Browser libraries (pdf.js for the pack reader) from package-lock.json,
# served as static files; reinstalled only when the lock file changes.
$(NPM_INSTALLED): package.json package-lock.json
	npm ci --omit=optional --no-audit --no-fund
	@touch $@

setup: $(INSTALLED) $(NPM_INSTALLED)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

# The task worker (board packs, disposals) and the scheduler of periodic tasks
# (fixity checks, the disposal list) run beside the web server and stop with it.
run: demo
	$(PY) manage.py demo_logins
	@echo "Quorum is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
		$(PY) manage.py run_scheduler & scheduler=$$!; \
		trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# Debian packages the tests use: Chromium for the browser tests, PostgreSQL
# for the second run. In CI they must be there, so missing ones are installed
# (CI runs as root); elsewhere a missing browser skips its tests loudly.
DEBIAN_PACKAGES := chromium:/usr/bin/chromium postgresql:/usr/lib/postgresql \
	poppler-utils:/usr/bin/pdftoppm qpdf:/usr/bin/qpdf
system-deps:
	@if [ -n "$$CI" ]; then \
		missing=""; for entry in $(DEBIAN_PACKAGES); do \
			[ -e "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; done; \
		if [ -n "$$missing" ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; fi; fi

test: setup system-deps
	$(BIN)/pytest

# The same suite on a throwaway PostgreSQL cluster (started and removed here).
test-postgres: setup system-deps
	$(PY) -m tests.support.throwaway_postgres -- $(BIN)/pytest

# Benchmarks: figures and ratios against references measured in the same run.
bench-packs: setup system-deps
	$(PY) bench/bench_packs.py

# Search at city scale, whoosh against SQLite FTS5, on its own database under
# var/bench-search/ (generated once, then cached). A quick run:
# BENCH_SEARCH_RECORDS=20000 make bench-search
BENCH_SEARCH_RECORDS ?= 200000
bench-search: setup
	$(PY) bench/bench_search.py --records $(BENCH_SEARCH_RECORDS)

# Time to the first painted page of a 500-page pack in the reader (Chromium).
bench-reader: setup system-deps
	$(PY) bench/bench_reader.py

# The storage tests again on a throwaway S3 server (moto, started and removed here).
test-s3: setup
	$(PY) -m tests.support.throwaway_s3 -- $(BIN)/pytest -m storage

lint: setup
	$(BIN)/ruff check .

# Re-resolve the dependency ranges of pyproject.toml into requirements.lock.
lock:
	rm -rf /tmp/quorum-lock && $(PYTHON) -m venv /tmp/quorum-lock
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > /tmp/quorum-lock/ranges.txt
	/tmp/quorum-lock/bin/pip install --quiet --disable-pip-version-check -r /tmp/quorum-lock/ranges.txt
	/tmp/quorum-lock/bin/pip freeze > requirements.lock
	rm -rf /tmp/quorum-lock

clean:
	rm -rf $(VENV) var static_collected node_modules
