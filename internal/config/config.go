// Package config loads the portal's configuration from the environment,
// validates it and prints it with secrets masked.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Environment names.
const (
	Development = "development"
	Production  = "production"
)

// Config is everything the portal reads from its environment.
type Config struct {
	DatabaseURL string // DATABASE_URL
	Addr        string // PORTAL_ADDR, default ":8080"
	BaseURL     string // PORTAL_BASE_URL, default "http://localhost<port>"
	Env         string // PORTAL_ENV: development (default) or production
	MailDir     string // PORTAL_MAIL_DIR: .eml files when no SMTP host is set
	MailFrom    string // PORTAL_MAIL_FROM
	// CAFile (PORTAL_CA_FILE) is the issuing CA's PEM bundle: the root and
	// intermediate certificates and the intermediate's key, mode 0600. In
	// development a missing file is created (default tmp/ca.pem); in
	// production it must be set and exist.
	CAFile string
	// MetricsAddr (PORTAL_METRICS_ADDR) is where /metrics is served on a
	// listener of its own; empty means on the public listener at Addr.
	MetricsAddr string
	SMTP        SMTP
}

// SMTP holds the outgoing mail server settings; an empty Host means "write
// files into MailDir instead".
type SMTP struct {
	Host     string // SMTP_HOST
	Port     int    // SMTP_PORT, default 587
	Username string // SMTP_USERNAME
	Password string // SMTP_PASSWORD
	TLS      string // SMTP_TLS: starttls (default), tls or none
}

// Load reads the configuration through getenv. It returns an error naming
// every variable that is invalid.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        orDefault(getenv("PORTAL_ADDR"), ":8080"),
		BaseURL:     strings.TrimRight(getenv("PORTAL_BASE_URL"), "/"),
		Env:         orDefault(getenv("PORTAL_ENV"), Development),
		MailDir:     orDefault(getenv("PORTAL_MAIL_DIR"), "tmp/mail"),
		MailFrom:    orDefault(getenv("PORTAL_MAIL_FROM"), "portal@localhost"),
		CAFile:      strings.TrimSpace(getenv("PORTAL_CA_FILE")),
		MetricsAddr: strings.TrimSpace(getenv("PORTAL_METRICS_ADDR")),
		SMTP: SMTP{
			Host:     getenv("SMTP_HOST"),
			Username: getenv("SMTP_USERNAME"),
			Password: getenv("SMTP_PASSWORD"),
			TLS:      orDefault(getenv("SMTP_TLS"), "starttls"),
		},
	}
	var errs []error
	port, err := strconv.Atoi(orDefault(getenv("SMTP_PORT"), "587"))
	if err != nil || port < 1 || port > 65535 {
		errs = append(errs, errors.New("SMTP_PORT must be a port number"))
	}
	c.SMTP.Port = port
	if c.BaseURL == "" {
		c.BaseURL = "http://localhost" + portOf(c.Addr)
	}
	if c.CAFile == "" && c.Env != Production {
		c.CAFile = "tmp/ca.pem"
	}
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

func (c Config) validate() []error {
	var errs []error
	if c.Env != Development && c.Env != Production {
		errs = append(errs, fmt.Errorf("PORTAL_ENV must be %q or %q", Development, Production))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("PORTAL_BASE_URL must be an http(s) URL"))
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			errs = append(errs, errors.New("PORTAL_METRICS_ADDR must be a listen address such as 127.0.0.1:9090 or :9090"))
		} else if c.MetricsAddr == c.Addr {
			errs = append(errs, errors.New("PORTAL_METRICS_ADDR must differ from PORTAL_ADDR"))
		}
	}
	if c.CAFile == "" {
		errs = append(errs, errors.New("PORTAL_CA_FILE must name the issuing CA's PEM bundle in production"))
	}
	switch c.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		errs = append(errs, errors.New("SMTP_TLS must be starttls, tls or none"))
	}
	return errs
}

// Production reports whether the portal runs in production, where the test
// clock and demo data are refused.
func (c Config) Production() bool { return c.Env == Production }

// SecureCookies reports whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// String describes the configuration with passwords masked.
func (c Config) String() string {
	smtp := "files in " + c.MailDir
	if c.SMTP.Host != "" {
		smtp = fmt.Sprintf("%s:%d (%s, user %q)", c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS, c.SMTP.Username)
	}
	metrics := "public"
	if c.MetricsAddr != "" {
		metrics = c.MetricsAddr
	}
	return fmt.Sprintf("env=%s addr=%s base=%s db=%s mail=%s metrics=%s", c.Env, c.Addr, c.BaseURL,
		MaskURL(c.DatabaseURL), smtp, metrics)
}

// MaskURL hides the password in a connection URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func portOf(addr string) string {
	i := strings.LastIndex(addr, ":")
	if i < 0 || addr[i:] == ":80" {
		return ""
	}
	return addr[i:]
}
