# accessops.atlassian developer commands. `make test` and `make demo` work on a fresh clone.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The oldest ansible-core the collection supports (meta/runtime.yml), for the compatibility run.
OLDEST_CORE ?= 2.16.14
VENV_OLDEST := $(CURDIR)/.venv-core-oldest
STAMP_OLDEST := $(VENV_OLDEST)/.installed-$(OLDEST_CORE)
VENV_LINT := $(CURDIR)/.venv-lint
STAMP_LINT := $(VENV_LINT)/.installed
BUILD := $(or $(BUILD_DIR),/tmp/accessops-build-$(shell printf %s "$(CURDIR)" | md5sum | cut -c1-8))
COLL := $(BUILD)/ansible_collections/accessops/atlassian
SIM_PORT ?= 0
SIM_SEED ?= tests/simulator/seeds/demo.yml
PYTEST_ARGS ?=

.PHONY: help venv tree sanity lint units simulator-tests integration integration-oldest test demo simulator bench build changelog clean

help:
	@echo "make test       sanity + unit (coverage) + simulator + integration tests, the latter also on the oldest"
	@echo "                supported ansible-core (builds .venv and .venv-core-oldest first)"
	@echo "make demo       the runbooks against the local simulator: onboarding (check mode, real, again), access"
	@echo "                review, offboarding with its audit report"
	@echo "make lint       ansible-lint (production profile) on the roles and playbooks"
	@echo "make simulator  start the Atlassian Cloud simulator on 127.0.0.1 (SIM_PORT=$(SIM_PORT))"
	@echo "make bench      scale benchmark (10,000 members, 2,000 repositories): API calls, connections, seconds"
	@echo "make build      build the collection tarball"

$(STAMP): tests/requirements.txt
	if ! $(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
	  echo "need Python >= 3.11 as $(PYTHON)"; exit 1
	fi
	[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VPY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Same pins as .venv but the oldest supported ansible-core: the integration tests (real ansible-playbook
# runs) prove the modules on it. Unit tests use ansible-core 2.19's test helpers and run on .venv only.
$(STAMP_OLDEST): tests/requirements.txt
	[ -x $(VENV_OLDEST)/bin/python ] || $(PYTHON) -m venv $(VENV_OLDEST)
	sed 's/^ansible-core==.*/ansible-core==$(OLDEST_CORE)/' tests/requirements.txt > $(VENV_OLDEST)/requirements.txt
	$(VENV_OLDEST)/bin/python -m pip install --quiet --disable-pip-version-check -r $(VENV_OLDEST)/requirements.txt
	touch $(STAMP_OLDEST)

# Lay the collection out as ansible_collections/accessops/atlassian (what ansible-test needs):
# every file git tracks plus new files it does not ignore, as they are in the work tree.
tree:
	rm -rf $(BUILD)/ansible_collections
	mkdir -p $(COLL)
	if git rev-parse --git-dir >/dev/null 2>&1; then
	  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
	    [ -e "$$f" ] && printf '%s\0' "$$f"
	  done | xargs -0 cp --parents -t $(COLL)
	else
	  cp -r $$(ls -A | grep -vxE '\.venv|build|\.git') $(COLL)/
	fi

sanity: venv tree
	for v in 24_2 25_1 25_3; do
	  [ -s ~/.ansible/test/cache/get_pip_$$v.py ] || { mkdir -p ~/.ansible/test/cache; cp .ci/get_pip_shim.py ~/.ansible/test/cache/get_pip_$$v.py; }
	done
	cd $(COLL)
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/ansible-test sanity --venv --python 3.11 --color no

units: venv tree
	cd $(COLL)
	$(VPY) -m coverage erase
	PYTHONPATH=$(BUILD) $(VPY) -m coverage run --source=plugins/module_utils,plugins/modules -m pytest -q -p no:cacheprovider tests/unit $(PYTEST_ARGS)
	$(VPY) -m coverage report --include='plugins/module_utils/*' --fail-under=90
	$(VPY) -m coverage report --include='plugins/modules/*'

simulator-tests: venv
	$(VPY) -m pytest -q -p no:cacheprovider tests/simulator $(PYTEST_ARGS)

integration: venv tree
	cd $(COLL)
	PYTHONPATH=$(BUILD) $(VPY) -m pytest -q -p no:cacheprovider tests/integration $(PYTEST_ARGS)

integration-oldest: $(STAMP_OLDEST) tree
	cd $(COLL)
	$(VENV_OLDEST)/bin/ansible --version | sed -n 1p  # sed reads it all: no broken pipe under pipefail
	PYTHONPATH=$(BUILD) $(VENV_OLDEST)/bin/python -m pytest -q -p no:cacheprovider tests/integration $(PYTEST_ARGS)

test: venv
	start=$$(date +%s)
	$(MAKE) --no-print-directory sanity
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory units
	$(MAKE) --no-print-directory simulator-tests
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory integration-oldest
	echo "make test: all stages passed in $$(( $$(date +%s) - start )) s"

# The runbooks against the simulator: onboarding (check mode + diff, real, again), access review, offboarding.
demo: venv tree
	tests/demo/run.sh $(VPY) $(BUILD) $(CURDIR)/build/demo-reports

# ansible-lint (production profile) on the roles and playbooks, in its own venv (it pins its own dependencies).
$(STAMP_LINT): tests/requirements-lint.txt
	[ -x $(VENV_LINT)/bin/python ] || $(PYTHON) -m venv $(VENV_LINT)
	$(VENV_LINT)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-lint.txt
	touch $(STAMP_LINT)

lint: $(STAMP_LINT) tree
	cd $(COLL)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(VENV_LINT)/bin:$$PATH $(VENV_LINT)/bin/ansible-lint --offline --profile production roles playbooks

simulator: venv
	PYTHONPATH=tests/simulator $(VPY) -m atlsim --seed $(SIM_SEED) --port $(SIM_PORT)

bench: venv
	$(VPY) tests/benchmarks/bench_scale.py $(BENCH_ARGS)

build: venv tree
	cd $(COLL)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path $(BUILD)

changelog: venv
	$(VENV)/bin/antsibull-changelog lint

clean:
	rm -rf $(BUILD) .pytest_cache .coverage .venv-core-oldest
