# make run: set up, load the built-in data on first start, serve the app on 127.0.0.1:8501.
# make test: set up, lint, run every test.   make bench: the speed benchmark (bench/results.json).
# make cluster: REPLICAS servers (default 2) on one store behind HAProxy on PORT (default 8501); see deploy/README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.tools-installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
REPLICAS ?= 2
PORT ?= 8501

.PHONY: setup setup-dev browser haproxy run cluster test lint bench clean-store translations

# make run installs what the app needs (requirements.txt); make test and make bench add the tools.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.tools-installed-* && touch $@

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

# Browser tests drive Debian's Chromium; install it when missing and we may (root on Debian).
# Noto's Arabic and CJK fonts so those pages render in it (and for anyone's browser on this machine).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
		echo "chromium not found: browser tests will be skipped"
	@fc-list 2>/dev/null | grep -q "Noto Sans Arabic" || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk >/dev/null); } || \
		echo "Noto fonts not found: Arabic and Chinese pages will show boxes"

# The cluster puts Debian's HAProxy in front of the servers (Debian keeps it in /usr/sbin).
haproxy:
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null); } || \
		echo "haproxy not found: cluster tests will be skipped"

run: setup
	$(PY) -m alliance init --builtin
	@# One person on their own machine may do everything; a server without configuration serves viewers only.
	ALLIANCE_ROLE=$${ALLIANCE_ROLE-admin} $(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $${PORT:-8501}

# Ctrl-C (or SIGTERM to make) stops HAProxy and every replica.
cluster: setup haproxy
	$(PY) -m alliance init --builtin
	$(PY) deploy/cluster.py --replicas $(REPLICAS) --port $(PORT)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Two workers for most tests (pytest-xdist), then on their own the tests that time things or run many processes
# (tests/conftest.py SERIAL), so that no other test's load skews them.
test: setup-dev browser haproxy lint
	$(PY) -m pytest -q -n 2 -m "not serial"
	$(PY) -m pytest -q -m serial

bench: setup-dev
	$(PY) -m bench

# The interface's words into locale/alliance.pot, then into every language's catalogue (new ones untranslated,
# changed ones marked fuzzy): a translator fills in locale/<language>/LC_MESSAGES/alliance.po (README, Languages).
translations: setup
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords -k _ -k n_:1,2 -k N_ -k counted:2,3 --no-location --sort-output --omit-header \
		--no-wrap -o locale/alliance.pot .
	for language in ar zh fr ru es; do \
		if [ -f locale/$$language/LC_MESSAGES/alliance.po ]; then \
			$(VENV)/bin/pybabel update --no-wrap --ignore-pot-creation-date -D alliance -l $$language -i locale/alliance.pot -d locale; \
		else $(VENV)/bin/pybabel init --no-wrap -D alliance -l $$language -i locale/alliance.pot -d locale; fi; \
	done

clean-store:
	rm -rf data/alliance.duckdb data/alliance.duckdb.d data/alliance.duckdb.lock
