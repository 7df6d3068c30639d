# The portal's tasks. `make help` lists them.
GO ?= go

.PHONY: help run test check generate build bench screenshots clean-db

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## run the portal with a database and demo data; prints the URL and logins
	$(GO) run ./cmd/portal dev

# The tests create their databases on TEST_DATABASE_URL, else on the server
# that `portal devdb` finds (DATABASE_URL, 127.0.0.1:5432, or a private
# cluster in .data/), as make run does.
test: ## run every test (browser tests included) against a real PostgreSQL
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && test -n "$$url" && \
	echo "tests use PostgreSQL at $$url" && \
	TEST_DATABASE_URL="$$url" $(GO) test -count=1 -p 2 -timeout 20m ./...

check: ## fail if gofmt, go vet or templ generation would change anything
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt would change: $$out"; exit 1; }
	$(GO) vet ./...
	$(GO) tool templ generate >/dev/null
	@git diff --exit-code -- '*_templ.go' || { echo "templ generate changed files: commit them"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard -- '*_templ.go')" || { echo "untracked generated templ files"; exit 1; }

bench: ## run the benchmarks against a real PostgreSQL (about 2 minutes; seeds 1,000,000 codes)
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && \
	TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench . -benchtime 5x -timeout 30m ./internal/voucher/

screenshots: ## run the browser tests and keep their PNG screenshots in tmp/screenshots
	mkdir -p tmp/screenshots
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && \
	TEST_DATABASE_URL="$$url" PORTAL_SCREENSHOTS=$(CURDIR)/tmp/screenshots $(GO) test -count=1 -run Browser ./web/

generate: ## regenerate the templ views
	$(GO) tool templ generate

build: ## build bin/portal
	$(GO) build -o bin/portal ./cmd/portal

clean-db: ## stop and delete the private development cluster in .data/
	-runuser -u postgres -- pg_ctl -D $(CURDIR)/.data/postgres stop 2>/dev/null || pg_ctl -D $(CURDIR)/.data/postgres stop
	rm -rf .data
