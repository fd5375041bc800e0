# The one recipe for checking alignhub: `make check` is what CI runs, in .ci/run and in
# .github/workflows/ci.yml alike. Run it after `pip install '.[dev]'` (ruff, mypy and import-linter come with it).
PYTHON ?= python
SITE_DIR ?= $(shell mktemp -d)/site

.PHONY: check lint typecheck test catalog site away

check: lint typecheck test catalog site away

# lint-imports: the import arrows of docs/architecture.md, checked on the checkout's src/ (not an installed copy).
# zizmor: the workflows and dependabot.yml under .github/ (offline: the audits that need no GitHub API).
lint:
	ruff check src tests benchmarks
	PYTHONPATH=src lint-imports --no-cache
	zizmor --offline --no-progress .github/

typecheck:
	mypy

# The README's test command.
test:
	pip install '.[test]' && $(PYTHON) -m pytest

# The real catalog: --strict makes a title that differs from its fetched metadata an error.
catalog:
	alignhub validate --strict
	alignhub build --check

site:
	NO_MKDOCS_2_WARNING=1 mkdocs build --strict --site-dir "$(SITE_DIR)"

# The installed package on a copy of the catalog without templates/: it must bring its own.
away:
	set -e; away="$$(mktemp -d)"; \
	cp -r entries README.md README.zh-CN.md CONTRIBUTING.md pyproject.toml "$$away/"; \
	mkdir -p "$$away/schema" "$$away/docs" && cp schema/entry.schema.json "$$away/schema/" && cp docs/cli.md "$$away/docs/"; \
	cd "$$away" && alignhub validate && alignhub build --check
