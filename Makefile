# Two commands: `make up` starts everything, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The suite runs on this many processes (pytest-xdist), each taking whole files, so that a file's fixtures
# (a started system, a browser) are set up once; most tests wait on processes, sockets and databases.
PYTEST_WORKERS ?= 2
XDIST := $(if $(filter 0 1,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)
TEST_DAYS ?= 2026-11-29 2026-12-31 2027-02-28 2028-02-29 2027-03-28 2027-10-31

.PHONY: up test test-dates screenshots install lint-imports bench drill clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Beratungsnetz braucht Python 3.11 oder neuer (gefunden: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)

up: $(STAMP)
	$(BIN)/beratungsnetz up

# pytest's exit code 5 ("no tests collected") must never pass as success. The 25 slowest tests are listed at the
# end, so that a CI log shows where the suite's time goes.
test: $(STAMP)
	@$(BIN)/python -m pytest $(XDIST) --durations=25 $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "Fehler: pytest hat keine Tests gefunden" >&2; exit 1; fi; exit $$rc

# Every date-sensitive test (marker `dates`) once per day in TEST_DAYS: month ends, leap day, both DST changes.
# On SQLite only, property tests with few examples: `make test` runs them on PostgreSQL and thoroughly.
test-dates: $(STAMP)
	@for day in $(TEST_DAYS); do echo "== Testuhr: $$day"; \
	BERATUNGSNETZ_TEST_TODAY=$$day HYPOTHESIS_PROFILE=schnell \
	$(BIN)/python -m pytest -q $(XDIST) -m dates -k "not postgresql" $(PYTEST_ARGS) || exit 1; done

# The README's pictures: the browser tests, this time writing docs/screenshots/*.png.
screenshots: $(STAMP)
	BERATUNGSNETZ_SCREENSHOTS=1 $(BIN)/python -m pytest -q $(XDIST) tests/browser

lint-imports: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -qq wrk >/dev/null 2>&1; } \
		|| echo "wrk fehlt (apt-get install wrk): B5 misst mit httpx"
	@[ -x /usr/sbin/smtp-sink ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null 2>&1; } \
		|| echo "smtp-sink fehlt (apt-get install postfix): B2 misst mit der aiosmtpd-Senke"
	$(BIN)/python -m bench $(BENCH_ARGS)

drill: $(STAMP)
	$(BIN)/python -m drill $(DRILL_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
