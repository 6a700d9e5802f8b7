# Followthrough: build, run and test. GNU make.
#
#   make run ARGS="..."        run the app (python -m followthrough)
#   make test PYTEST_ARGS=...  ruff + mypy + pytest (everything but the packaging tests)
#   make native                compile the planner with mypyc (run and test do it first)
#   make lint                  ruff + mypy only
#   make test-packaging        the tests that build the packaged app
#   make package               the Linux packages (.deb, .tar.gz) in dist/ (docs/install.md)
#   make screenshots           PNGs of the main views, for the README
#   make clean                 remove the venv, the compiled planner, build output and caches
#
# PYTHON picks the interpreter the venv is made from (3.11 or newer).

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test

# Tests never touch a real display or the user's keyring.
TEST_ENV := QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring

# Fails with a sentence, not a traceback, when $(1) is older than Python 3.11.
define check_python
@$(1) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	found=$$($(1) --version 2>/dev/null) || found="not found"; \
	echo "Followthrough needs Python 3.11 or newer, but '$(1)' is $${found:-not usable}." \
	     "Install Python 3.11+, then run 'make clean' and 'make PYTHON=/path/to/python3.11 ...'." >&2; \
	exit 1; }
endef

.PHONY: all venv install native run test test-system-packages lint test-packaging package screenshots example-ics clean

all: test

venv: $(VPY)
	$(call check_python,$(VPY))

$(VPY):
	$(call check_python,$(PYTHON))
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --upgrade pip

# Re-done whenever pyproject.toml changes; the runtime deps come with the same install.
install: venv $(STAMP)

$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -e '.[test]'
	@touch $@

# The planner's modules compiled to C beside their sources, when they changed (packaging/native.py;
# a compiled copy older than its source is never used). Without a C compiler it says so and the
# app runs the same code from its sources.
native: install
	$(VPY) packaging/native.py

# Installs the system libraries Qt's window needs when it can (root or passwordless sudo),
# else says in one sentence which to install (followthrough.desktop_libs).
run: install native
	$(VPY) -m followthrough.desktop_libs --install
	$(VPY) -m followthrough $(ARGS)

lint: install
	$(VENV)/bin/ruff check desktop tests bench
	$(VENV)/bin/mypy

# The Debian packages the tests need (PHP, Dovecot, Qt's libraries, a C compiler), installed
# when missing and this user can; otherwise tests/system-packages.sh says which it assumes.
# They come first: `native` compiles with that compiler.
test: lint test-system-packages native
	$(TEST_ENV) $(VPY) -m pytest -m "not packaging" $(PYTEST_ARGS)

test-system-packages:
	bash tests/system-packages.sh test

# PyInstaller (the `package` extra) on top of the test install.
PACKAGE_STAMP := $(VENV)/.installed-package

$(PACKAGE_STAMP): pyproject.toml $(STAMP) | $(VPY)
	$(VPY) -m pip install -e '.[test,package]'
	@touch $@

# Builds the .deb with packaging/linux/build.sh, unpacks it and runs the frozen app's smoke test.
test-packaging: install $(PACKAGE_STAMP)
	$(TEST_ENV) $(VPY) -m pytest -m packaging $(PYTEST_ARGS)

# dist/followthrough_<version>_<arch>.deb and dist/followthrough-<version>-linux-<machine>.tar.gz
package: install $(PACKAGE_STAMP)
	PYTHON=$(VPY) bash packaging/linux/build.sh

# PNGs of the main views with sample data, for the README.
screenshots: install
	QT_QPA_PLATFORM=offscreen $(VPY) -m followthrough.ui.screenshots docs/screenshots

# The example file docs/ical-mapping.md shows, written by the real export.
example-ics: install
	$(VPY) -m followthrough.ical.example docs/example.ics

clean:
	-$(PYTHON) packaging/native.py --clean
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./.git -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
