# The portal's image: a static binary on a small Debian base (PDFs embed
# their own Japanese font, so the image needs none). `portal healthcheck`
# asks the running portal's /readyz, since the image has no curl.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/portal ./cmd/portal

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/portal /usr/local/bin/portal
USER nobody
ENV PORTAL_ADDR=:8080 PORTAL_MAIL_DIR=/tmp/mail
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["portal", "healthcheck"]
ENTRYPOINT ["portal"]
CMD ["serve"]
