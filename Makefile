# The portal's tasks. `make help` lists them.
GO ?= go

.PHONY: help run test check generate build bench screenshots clean-db

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# run builds bin/portal and runs it (not `go run`, which reports an
# interrupted program as "exit status 1"): Ctrl-C stops the portal cleanly.
run: ## build bin/portal, run it with a database and demo data; prints the URL and logins
	@echo "building bin/portal… (the first build takes a few minutes)"
	@$(GO) build -o bin/portal ./cmd/portal
	@bin/portal dev

# The tests create their databases on TEST_DATABASE_URL, else on the server
# that `portal devdb` finds (DATABASE_URL, 127.0.0.1:5432, or a private
# cluster in .data/), as make run does.
test: ## run every test (browser tests included) against a real PostgreSQL
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && test -n "$$url" && \
	echo "tests use PostgreSQL at $$url" && \
	TEST_DATABASE_URL="$$url" $(GO) test -count=1 -p 2 -timeout 20m ./...

# check prints only what failed. The generated views are compared before and
# after templ generate, so that uncommitted but up-to-date ones pass.
check: ## fail if gofmt, go vet or templ generation would change anything
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard -- '*.go')); \
	test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	@$(GO) vet ./...
	@before=$$($(templ_sums)) && \
	{ out=$$($(GO) tool templ generate 2>&1) || { echo "$$out"; echo "templ generate failed"; exit 1; }; } && \
	after=$$($(templ_sums)) && \
	test "$$before" = "$$after" || { echo "templ generate changed these files (regenerated now; commit them):"; \
	printf '%s\n%s\n' "$$before" "$$after" | sort | uniq -u | sed 's/^[0-9a-f]*  /  /' | sort -u; exit 1; }

# templ_sums lists a checksum of every generated view.
templ_sums = find . \( -path ./.git -o -path ./.data -o -path ./tmp -o -path ./bin \) -prune -o -name '*_templ.go' -print | LC_ALL=C sort | xargs -r sha256sum

bench: ## the benchmarks (voucher domain, PDFs, ledger figures, API vs form order) and the order-list load test against a real PostgreSQL (about 5 minutes; seeds 1,000,000 codes)
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && \
	TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench . -benchtime 5x -timeout 30m ./internal/voucher/ && \
	$(GO) test -run '^$$' -bench . -benchmem ./internal/pdf/ && \
	TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench 'PDF$$|Figures|HistoryFirstPage' -benchmem ./internal/billing/ ./internal/ledger/ && \
	TEST_DATABASE_URL="$$url" PORTAL_SKIP_BROWSER=1 $(GO) test -run '^$$' -bench APIOrderOneCode -benchtime 300x ./web/ && \
	TEST_DATABASE_URL="$$url" $(GO) run ./bench/loadtest -c 20 -d 20s -wrk

# screenshots writes docs/screenshots/<name>.png for every
# webtest.Screenshot(t, ctx, "<name>") the browser tests reach. The path is
# absolute because go test runs in the package's folder. The PNGs are
# git-ignored (docs/screenshots/.gitignore); the old ones are removed first.
screenshots: ## run the browser tests (TestBrowser…) and save their page screenshots in docs/screenshots (not committed)
	@mkdir -p docs/screenshots && rm -f docs/screenshots/*.png
	@url="$${TEST_DATABASE_URL:-$$($(GO) run ./cmd/portal devdb)}" && test -n "$$url" && \
	TEST_DATABASE_URL="$$url" PORTAL_SKIP_BROWSER= PORTAL_SCREENSHOTS="$(CURDIR)/docs/screenshots" \
	$(GO) test -count=1 -run '^TestBrowser' ./web/ && \
	echo "screenshots in docs/screenshots:" && ls docs/screenshots

generate: ## regenerate the templ views
	$(GO) tool templ generate

build: ## build bin/portal
	$(GO) build -o bin/portal ./cmd/portal

# clean-db: see `portal cleandb` (internal/devdb/clean.go).
clean-db: ## drop the portal and test databases; stop and delete the private cluster in .data/
	@echo "building bin/portal…"
	@$(GO) build -o bin/portal ./cmd/portal
	@bin/portal cleandb
