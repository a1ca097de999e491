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
# The newest ansible-core this machine can run (2.20+ need Python >= 3.12): sanity and integration also run on it,
# with Python 3.13 from pyenv; skipped with a message when that Python is not installed.
NEWEST_CORE ?= 2.21.5
PYENV_ROOT_DIR := $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
NEWEST_PYTHON ?= $(shell ls -d $(PYENV_ROOT_DIR)/versions/3.13.*/bin/python3.13 2>/dev/null | sort -V | tail -n 1)
VENV_NEWEST := $(CURDIR)/.venv-core-newest
STAMP_NEWEST := $(VENV_NEWEST)/.installed-$(NEWEST_CORE)
# The integration tests the newest-core stage runs (a representative subset: every module family, the roles through
# ansible-playbook and ansible-runner, secrets at -vvvv); PYTEST_ARGS still applies.
NEWEST_TESTS ?= test_bitbucket_repo_permission.py test_admin_access.py test_admin_check_mode_and_refusals.py \
  test_admin_info_modules.py test_admin_api_key_hidden.py \
  test_scim_user.py test_no_secrets_in_output.py test_role_onboarding.py test_role_offboarding.py \
  test_role_access_review.py test_awx_runner.py test_role_plans.py test_role_workspace_access.py test_permission_info.py \
  test_in_process.py
VENV_EE := $(CURDIR)/.venv-ee
STAMP_EE := $(VENV_EE)/.installed
VENV_EDA := $(CURDIR)/.venv-eda
STAMP_EDA := $(VENV_EDA)/.installed
VENV_LINT := $(CURDIR)/.venv-lint
STAMP_LINT := $(VENV_LINT)/.installed
VENV_DOCS ?= $(CURDIR)/.venv-docs
STAMP_DOCS := $(VENV_DOCS)/.installed
DOCSITE = $(BUILD)/docsite
VENV_IMPORTER ?= $(CURDIR)/.venv-importer
STAMP_IMPORTER := $(VENV_IMPORTER)/.installed
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
BUILD := $(or $(BUILD_DIR),/tmp/accessops-build-$(shell printf %s "$(CURDIR)" | md5sum | cut -c1-8))
COLL := $(BUILD)/ansible_collections/accessops/atlassian
SIM_PORT ?= 0
SIM_SEED ?= tests/simulator/seeds/demo.yml
PYTEST_ARGS ?=
# The simulator's strict mode (tests/simulator/README.md "Strict mode"): every Bitbucket, SCIM and Admin API request
# form that the official documents do not state is answered 400. On for the simulator, integration and demo runs
# whenever the official documents are beside the clone (../shared/reference, or ATLSIM_SPEC_DIR); SIM_STRICT=0 turns
# it off. The pytest header says "atlsim strict mode: on|off".
export ATLSIM_SPEC_DIR ?= $(abspath $(CURDIR)/../shared/reference)
SIM_STRICT ?= $(if $(wildcard $(ATLSIM_SPEC_DIR)/bitbucket-cloud-swagger.v3.json),1,0)
export ATLSIM_STRICT := $(SIM_STRICT)
# pytest-asyncio (the event source's unit tests): the loop scope of async fixtures set, not left to a future default
export PYTEST_ADDOPTS := $(strip $(PYTEST_ADDOPTS) -o asyncio_default_fixture_loop_scope=function)

.PHONY: help venv venvs check-home tree sanity lint units simulator-tests integration integration-oldest sanity-newest integration-newest ee-check ee-test eda-test docs docs-lint importer test demo simulator bench bench-scale build changelog clean

help:
	@echo "make test       every stage below, in this order, with HOME an empty directory in the build directory (builds"
	@echo "                every venv first): check-home, sanity, lint, units, changelog, docs-lint, docs, importer,"
	@echo "                ee-check, ee-test, simulator-tests, eda-test, sanity-newest, integration, integration-oldest,"
	@echo "                integration-newest, check-home (fails when a collection sits in a default collections path)"
	@echo "make demo       the runbooks against the local simulator: onboarding (check mode, real, again), access"
	@echo "                review, offboarding as a plan then its exact apply (audit report)"
	@echo "make lint       ansible-lint (production profile) on the roles and playbooks, yamllint, ruff check and"
	@echo "                ruff format --check on the Python (ruff.toml)"
	@echo "make simulator  start the Atlassian Cloud simulator on 127.0.0.1 (SIM_PORT=$(SIM_PORT)) and print the export"
	@echo "                block of the modules' environment variables for it (demo credentials), to paste in a shell"
	@echo "make bench      each job by the collection and by an ansible.builtin.uri baseline against the simulator"
	@echo "                (2,000 members, 500 repositories, 100 ms latency): time, API calls, minimal calls, physical"
	@echo "                limit (BENCH_ARGS='--runs 3 --latency-ms 50'; docs/performance.md); make bench-scale: the"
	@echo "                scale scenarios (10,000 members, 2,000 repositories): API calls, connections, seconds;"
	@echo "                then jobs 1 and 2 as run, plan and apply (tests/benchmarks/bench_plans.py, BENCH_PLAN_ARGS)"
	@echo "                and workspace access gather, plan of 20 edits, apply (tests/benchmarks/bench_access.py,"
	@echo "                BENCH_ACCESS_ARGS)"
	@echo "make build      build the collection tarball"
	@echo "make docs       the docsite (antsibull-docs + Sphinx, offline) in $(DOCSITE)/build/html"
	@echo "make docs-lint  antsibull-docs lint-collection-docs; make importer: galaxy-importer on the tarball"
	@echo "make doc-fragments  rewrite the generated sections of plugins/doc_fragments from tests/update_doc_fragments.py"
	@echo "make sanity-newest / integration-newest   sanity and integration on ansible-core $(NEWEST_CORE) with"
	@echo "                pyenv's Python 3.13 (.venv-core-newest); skipped with a message when it is missing"
	@echo "make ee-check   ansible-builder introspect / create on the built collection (.venv-ee)"
	@echo "make ee-test    build the EE image (podman, local Debian base from mmdebstrap, no registry), run onboarding"
	@echo "                (check, real) and the access review inside it against the simulator (ansible-runner"
	@echo "                --process-isolation, ansible-navigator), then remove the images; skipped without podman"
	@echo "make eda-test   the rulebooks of extensions/eda/rulebooks run by ansible-rulebook (.venv-eda) against the"
	@echo "                simulator and a fake controller, and the event source's restart test; skipped without java >= 17"

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
	echo "atlsim strict mode: $(if $(filter 1,$(ATLSIM_STRICT)),on,off) (ATLSIM_STRICT=$(ATLSIM_STRICT))"
	$(VPY) -m pytest -q -p no:cacheprovider tests/simulator $(PYTEST_ARGS)

integration: venv tree
	echo "atlsim strict mode: $(if $(filter 1,$(ATLSIM_STRICT)),on,off) (ATLSIM_STRICT=$(ATLSIM_STRICT))"
	cd $(COLL)
	PYTHONPATH=$(BUILD) $(VPY) -m pytest -q -p no:cacheprovider tests/integration $(PYTEST_ARGS)

integration-oldest: $(STAMP_OLDEST) tree
	echo "atlsim strict mode: $(if $(filter 1,$(ATLSIM_STRICT)),on,off) (ATLSIM_STRICT=$(ATLSIM_STRICT))"
	cd $(COLL)
	$(VENV_OLDEST)/bin/ansible --version | sed -n 1p  # sed reads it all: no broken pipe under pipefail
	PYTHONPATH=$(BUILD) $(VENV_OLDEST)/bin/python -m pytest -q -p no:cacheprovider tests/integration $(PYTEST_ARGS)

# Sanity and integration on the newest ansible-core (NEWEST_CORE) with NEWEST_PYTHON (pyenv's newest 3.13.x).
$(STAMP_NEWEST): tests/requirements.txt
	[ -x $(VENV_NEWEST)/bin/python ] || $(NEWEST_PYTHON) -m venv $(VENV_NEWEST)
	sed 's/^ansible-core==.*/ansible-core==$(NEWEST_CORE)/' tests/requirements.txt > $(VENV_NEWEST)/requirements.txt
	$(VENV_NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV_NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check -r $(VENV_NEWEST)/requirements.txt
	touch $(STAMP_NEWEST)

sanity-newest: tree
	if [ -z "$(NEWEST_PYTHON)" ] || [ ! -x "$(NEWEST_PYTHON)" ]; then
	  echo "SKIPPED sanity on ansible-core $(NEWEST_CORE): no Python 3.13 under $(PYENV_ROOT_DIR)/versions (install it with"
	  echo "        'pyenv install 3.13' or pass NEWEST_PYTHON=/path/to/python3.13)"; exit 0
	fi
	$(MAKE) --no-print-directory $(STAMP_NEWEST)
	for v in 24_2 25_1 25_2 25_3; do
	  [ -s ~/.ansible/test/cache/get_pip_$$v.py ] || { mkdir -p ~/.ansible/test/cache; cp .ci/get_pip_shim.py ~/.ansible/test/cache/get_pip_$$v.py; }
	done
	cd $(COLL)
	$(VENV_NEWEST)/bin/ansible --version | sed -n 1p
	PATH=$(VENV_NEWEST)/bin:$$PATH $(VENV_NEWEST)/bin/ansible-test sanity --venv --python 3.13 --color no

integration-newest: tree
	if [ -z "$(NEWEST_PYTHON)" ] || [ ! -x "$(NEWEST_PYTHON)" ]; then
	  echo "SKIPPED integration on ansible-core $(NEWEST_CORE): no Python 3.13 under $(PYENV_ROOT_DIR)/versions (install"
	  echo "        it with 'pyenv install 3.13' or pass NEWEST_PYTHON=/path/to/python3.13)"; exit 0
	fi
	$(MAKE) --no-print-directory $(STAMP_NEWEST)
	cd $(COLL)
	$(VENV_NEWEST)/bin/ansible --version | sed -n 1p
	PYTHONPATH=$(BUILD) $(VENV_NEWEST)/bin/python -m pytest -q -p no:cacheprovider $(addprefix tests/integration/,$(NEWEST_TESTS)) $(PYTEST_ARGS)

# Event-Driven Ansible (tests/eda): ansible-rulebook from .venv-eda (tests/requirements-eda.txt; its ansible-galaxy finds
# the collection in the build tree, ANSIBLE_COLLECTIONS_PATH) runs the rulebooks of extensions/eda/rulebooks against the
# simulator and a fake controller (tests/eda/fake_controller.py), and the event source restarts on its cursor file.
# ansible-rulebook needs a Java runtime >= 17 (.ci/run installs Debian's openjdk-17-jre-headless): without one the
# stage prints "eda-test skipped: <cause>" and passes.
$(STAMP_EDA): tests/requirements-eda.txt
	[ -x $(VENV_EDA)/bin/python ] || $(PYTHON) -m venv $(VENV_EDA)
	$(VENV_EDA)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-eda.txt
	touch $(STAMP_EDA)

eda-test: venv tree
	if ! command -v java >/dev/null 2>&1; then
	  echo "eda-test skipped: no java on PATH (ansible-rulebook needs a Java runtime >= 17: Debian's openjdk-17-jre-headless)"; exit 0
	fi
	java_major=$$( { java -version 2>&1 || true; } | sed -n '/ version "/{s/^[^"]* version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p;q;}')
	if [ -z "$$java_major" ]; then
	  echo "eda-test skipped: java -version of $$(command -v java) names no version (ansible-rulebook needs a Java runtime >= 17)"; exit 0
	fi
	if [ "$$java_major" -lt 17 ]; then
	  echo "eda-test skipped: java $$java_major is older than 17 ($$(command -v java)); ansible-rulebook needs 17 or later"; exit 0
	fi
	$(MAKE) --no-print-directory $(STAMP_EDA)
	start=$$(date +%s)
	cd $(COLL)
	EDA_VENV=$(VENV_EDA) ANSIBLE_COLLECTIONS_PATH=$(BUILD) PYTHONPATH=$(BUILD) \
	  $(VPY) -m pytest -q -p no:cacheprovider tests/eda $(PYTEST_ARGS)
	echo "eda-test: $$(( $$(date +%s) - start )) s"

# The execution environment: ansible-builder (own venv) introspects the collection installed from its built tarball
# (exactly requirements.txt + bindep.txt) and writes the build context of the example definition (no image build).
$(STAMP_EE): tests/requirements-ee.txt
	[ -x $(VENV_EE)/bin/python ] || $(PYTHON) -m venv $(VENV_EE)
	$(VENV_EE)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-ee.txt
	touch $(STAMP_EE)

ee-check: venv $(STAMP_EE) tree
	rm -rf $(BUILD)/ee && mkdir -p $(BUILD)/ee
	(cd $(COLL) && $(VENV)/bin/ansible-galaxy collection build --force --output-path $(BUILD)/ee >/dev/null)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/ee/collections $(VENV)/bin/ansible-galaxy collection install --force -p $(BUILD)/ee/collections $(BUILD)/ee/accessops-atlassian-*.tar.gz >/dev/null
	$(VENV_EE)/bin/python tests/ee/check_ee.py $(VENV_EE)/bin/ansible-builder $(BUILD)/ee/collections $(CURDIR) \
	  docs/execution-environment/execution-environment.yml $(BUILD)/ee/context

# The execution environment built and run (tests/ee/ee_test.sh): the image from the example definition with a local
# Debian base (mmdebstrap + podman import) instead of the registry base, the collection from its tarball; the
# collection playbooks run inside it against the simulator, credentials as AWX's credential types inject them; the
# images are removed at the end. Prints "ee-test skipped: <cause>" and passes where podman cannot run (.ci/run
# installs it).
ee-test: venv $(STAMP_EE) build
	tests/ee/ee_test.sh $(VENV_EE)/bin $(VPY) $(BUILD) $(BUILD)/accessops-atlassian-$(VERSION).tar.gz $(VERSION)

# Every stage of `make test` runs with HOME set to an empty directory inside the build directory (TEST_HOME) and
# without ANSIBLE_COLLECTIONS_PATH / ANSIBLE_CONFIG from the caller: a stage that needs the collection gets it from the
# build tree it is handed, never from ~/.ansible/collections or a collection installed earlier by anything else. The
# venvs are built first, with the caller's HOME (pip's cache and configuration). `check-home` then fails when a stage
# installed anything into the default collections paths.
TEST_HOME := $(BUILD)/home
REAL_HOME := $(HOME)
export PYENV_ROOT := $(PYENV_ROOT_DIR)

venvs: venv $(STAMP_OLDEST) $(STAMP_LINT) $(STAMP_DOCS) $(STAMP_IMPORTER) $(STAMP_EE) $(STAMP_EDA)
	if [ -n "$(NEWEST_PYTHON)" ] && [ -x "$(NEWEST_PYTHON)" ]; then $(MAKE) --no-print-directory $(STAMP_NEWEST); fi

# Fails when a collection sits in a default collections path of the (test) HOME or of the system: `make test` must
# pass without one, and nothing it runs may put one there.
check-home:
	found=""
	for d in "$$HOME/.ansible/collections/ansible_collections" /usr/share/ansible/collections/ansible_collections; do
	  if [ -d "$$d" ] && [ -n "$$(ls -A "$$d" 2>/dev/null)" ]; then found="$$found $$d"; fi
	done
	if [ -n "$$found" ]; then
	  echo "check-home: collections found in a default collections path:$$found"
	  echo "            make test must not depend on (or leave) a collection outside the build tree"; exit 1
	fi
	echo "check-home: no collection in the default collections paths (HOME=$$HOME)"

test: venvs
	start=$$(date +%s)
	rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_CONFIG
	export HOME=$(TEST_HOME) PIP_CACHE_DIR=$${PIP_CACHE_DIR:-$(REAL_HOME)/.cache/pip}
	$(MAKE) --no-print-directory check-home
	$(MAKE) --no-print-directory sanity
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory units
	$(MAKE) --no-print-directory changelog
	$(MAKE) --no-print-directory docs-lint
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory importer
	$(MAKE) --no-print-directory ee-check
	$(MAKE) --no-print-directory ee-test
	$(MAKE) --no-print-directory simulator-tests
	$(MAKE) --no-print-directory eda-test
	$(MAKE) --no-print-directory sanity-newest
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory integration-oldest
	$(MAKE) --no-print-directory integration-newest
	$(MAKE) --no-print-directory check-home
	echo "make test: all stages passed in $$(( $$(date +%s) - start )) s (HOME=$(TEST_HOME), empty at the start)"

# The runbooks against the simulator: onboarding (check mode + diff, real, again), access review, offboarding.
demo: venv tree
	tests/demo/run.sh $(VPY) $(BUILD) $(CURDIR)/build/demo-reports

# ansible-lint (production profile) on the roles and playbooks, in its own venv (it pins its own dependencies).
$(STAMP_LINT): tests/requirements-lint.txt
	[ -x $(VENV_LINT)/bin/python ] || $(PYTHON) -m venv $(VENV_LINT)
	$(VENV_LINT)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-lint.txt
	touch $(STAMP_LINT)

lint: $(STAMP_LINT) tree
	# ruff (ruff.toml): the Python linter and the formatter's check, from the repository root
	$(VENV_LINT)/bin/ruff check .
	$(VENV_LINT)/bin/ruff format --check .
	cd $(COLL)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(VENV_LINT)/bin:$$PATH $(VENV_LINT)/bin/ansible-lint --offline --profile production roles playbooks
	# the AWX project (docs/awx/project) imports the collection's playbooks by name: linted against the built tree;
	# the AWX loader (docs/awx/load.yml) uses awx.awx: a stand-in with its argument specs (the committed snapshot
	# tests/awx/awx_argspecs.json) resolves its modules offline and the args rule checks every argument
	rm -rf $(BUILD)/awx-stub && $(VENV_LINT)/bin/python $(CURDIR)/tests/awx/stub_collection.py $(BUILD)/awx-stub
	ANSIBLE_COLLECTIONS_PATH=$(BUILD):$(BUILD)/awx-stub PATH=$(VENV_LINT)/bin:$$PATH $(VENV_LINT)/bin/ansible-lint --offline --profile production \
	  --project-dir . -c $(CURDIR)/tests/ansible-lint-awx.yml docs/awx/project docs/awx/load.yml
	# the rulebooks (extensions/eda/rulebooks) against the rulebook schema (tests/ansible-lint-eda.yml gives their kind)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(VENV_LINT)/bin:$$PATH $(VENV_LINT)/bin/ansible-lint --offline --profile production \
	  --project-dir . -c $(CURDIR)/tests/ansible-lint-eda.yml extensions/eda/rulebooks
	$(VENV_LINT)/bin/yamllint --strict .  # .yamllint: the settings ansible-lint's yaml rule uses too

# The docsite: antsibull-docs collection pages + docs/docsite (extra docs, links), built by Sphinx with warnings as
# errors, offline (intersphinx reads a local inventory; DOCS_ONLINE=1 downloads the real ones instead).
$(STAMP_DOCS): tests/requirements-docs.txt
	[ -x $(VENV_DOCS)/bin/python ] || $(PYTHON) -m venv $(VENV_DOCS)
	$(VENV_DOCS)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-docs.txt
	touch $(STAMP_DOCS)

docs: $(STAMP_DOCS) tree
	rm -rf $(DOCSITE) && mkdir -p $(DOCSITE) && chmod 700 $(DOCSITE)
	export ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(VENV_DOCS)/bin:$$PATH
	antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir $(DOCSITE) \
	  --title "accessops.atlassian" --project "accessops.atlassian" accessops.atlassian >/dev/null
	cat tests/docs/conf_offline.py >> $(DOCSITE)/conf.py
	$(VENV_DOCS)/bin/python tests/docs/offline_inventory.py $(DOCSITE)/ansible_devel.inv
	$(DOCSITE)/build.sh
	echo "docsite: $(DOCSITE)/build/html/index.html"

# antsibull-docs' collection docs linter on the collection tree (extra docs, links.yml, plugin and role docs).
docs-lint: $(STAMP_DOCS) tree
	cd $(COLL)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD) PATH=$(VENV_DOCS)/bin:$$PATH antsibull-docs lint-collection-docs --plugin-docs \
	  --check-extra-docs-refs --validate-collection-refs all .

# The generated sections of plugins/doc_fragments (the shared connection options of bitbucket/scim/admin, the
# per-scope sub-fragments of permissions) from the tables of tests/update_doc_fragments.py; the units check them.
.PHONY: doc-fragments
doc-fragments: venv
	$(VPY) tests/update_doc_fragments.py

# galaxy-importer (what Galaxy / Automation Hub run on upload) on the built tarball, without a container engine
# (tests/galaxy-importer.cfg): fails on any error or warning.
$(STAMP_IMPORTER): tests/requirements-importer.txt
	[ -x $(VENV_IMPORTER)/bin/python ] || $(PYTHON) -m venv $(VENV_IMPORTER)
	$(VENV_IMPORTER)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-importer.txt
	touch $(STAMP_IMPORTER)

importer: $(STAMP_IMPORTER) build
	rm -rf $(BUILD)/importer && mkdir -p $(BUILD)/importer/tmp $(BUILD)/importer/ansible-tmp
	cd $(BUILD)/importer
	GALAXY_IMPORTER_CONFIG=$(CURDIR)/tests/galaxy-importer.cfg GALAXY_IMPORTER_TMP_ROOT_DIR=$(BUILD)/importer/tmp \
	  GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=$(BUILD)/importer/ansible-tmp PATH=$(VENV_IMPORTER)/bin:$$PATH \
	  $(VENV_IMPORTER)/bin/python -m galaxy_importer.main $(BUILD)/accessops-atlassian-$(VERSION).tar.gz 2>&1 | tee importer.log
	if grep -qE '^(WARNING|ERROR|CRITICAL)' importer.log || ! grep -q 'Importer processing completed successfully' importer.log; then
	  echo "galaxy-importer: errors or warnings above"; exit 1
	fi
	echo "galaxy-importer: 0 errors, 0 warnings"

simulator: venv
	PYTHONPATH=tests/simulator $(VPY) -m atlsim --seed $(SIM_SEED) --port $(SIM_PORT) --print-env

bench: venv
	$(VPY) tests/benchmarks/bench_jobs.py $(BENCH_ARGS)
	$(VPY) tests/benchmarks/bench_plans.py $(BENCH_PLAN_ARGS)
	$(VPY) tests/benchmarks/bench_access.py $(BENCH_ACCESS_ARGS)

bench-scale: venv
	$(VPY) tests/benchmarks/bench_scale.py $(BENCH_SCALE_ARGS)

build: venv tree
	cd $(COLL)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path $(BUILD)

changelog: venv
	$(VENV)/bin/antsibull-changelog lint

clean:
	rm -rf $(BUILD) .pytest_cache .coverage .venv-core-oldest .venv-docs .venv-importer .venv-core-newest .venv-ee .venv-eda
