# The README's two commands: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SPARK_STAMP := $(VENV)/.spark

.PHONY: install spark baselines postgres browser bench-tools demo test lint typecheck unit contract clean

install: $(STAMP)

# PyICU (under followthemoney, for the yente-compatible API) builds against Debian's ICU: installed when missing.
$(STAMP): pyproject.toml constraints.txt
	pkg-config --exists icu-uc 2>/dev/null && command -v g++ >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends libicu-dev pkg-config g++)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The heavy part of the test suite: PySpark (and Java, from Debian, when the machine has none).
spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,spark]'
	touch $(SPARK_STAMP)

# The pinned environment of benchmarks/batch.py's nomenklatura baseline and of the yente client that
# tests/faces/service/test_yente_client.py drives clearance with (nomenklatura's YenteEnricher); not a
# dependency of clearance. PyICU builds against Debian's ICU, which $(STAMP) installs when missing.
BASELINES := .venv-baselines
baselines: $(BASELINES)/.installed

$(BASELINES)/.installed: benchmarks/baselines/requirements.txt | $(STAMP)
	$(PYTHON) -m venv $(BASELINES)
	$(BASELINES)/bin/pip install --quiet -r benchmarks/baselines/requirements.txt
	touch $@

# The store's tests start a throwaway PostgreSQL server of their own (tests/pg_server.py): Debian's, installed
# when the machine has none.
postgres:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql)

# The web UI's browser test (tests/faces/service/test_ui_browser.py) drives Debian's Chromium through Playwright,
# never a browser Playwright downloads: installed when the machine has none, with a small font for Chinese,
# Japanese and Korean names (Droid Sans Fallback, 2 MB) so that the screenshots show them.
browser:
	test -x /usr/bin/chromium && test -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-droid-fallback)

# benchmarks/api.py drives the service with Debian's wrk, a load generator in C.
bench-tools: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)

# The demo screens the built-in data alone: with no sanctions list loaded, the data policy warns.
demo: install
	CLEARANCE_ON_STALE=warn $(BIN)/python -m clearance.faces.demo

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: install
	$(BIN)/mypy

# baselines: the yente client test runs nomenklatura from .venv-baselines, and fails when it is missing;
# postgres: the store's tests run against a real PostgreSQL server, and fail when there is none
# browser: the web UI's test drives Debian's chromium, and fails when it is missing
unit: install spark baselines postgres browser
	$(BIN)/pytest

# The shared contract check lives in ../shared, beside the clone (as in CI). A clone alone skips it, saying
# so, unless CLEARANCE_REQUIRE_SHARED=1 (as `.ci/run` sets), where a missing ../shared fails.
contract: install
	@if [ -d ../shared ]; then \
		echo "bash ../shared/checks/contract.sh"; bash ../shared/checks/contract.sh; \
	elif [ "$(CLEARANCE_REQUIRE_SHARED)" = "1" ]; then \
		echo "contract: ../shared is absent, and CLEARANCE_REQUIRE_SHARED=1 requires the shared contract check" >&2; \
		exit 1; \
	else \
		echo "contract: the shared contract check is skipped because ../shared is absent"; \
	fi

test: lint typecheck unit contract

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
