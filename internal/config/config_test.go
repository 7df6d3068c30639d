package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u:secret@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseURL != "http://localhost:8080" || c.Env != Development || c.SMTP.Port != 587 {
		t.Errorf("defaults: %+v", c)
	}
	if strings.Contains(c.String(), "secret") {
		t.Errorf("String leaks the password: %s", c)
	}
	if c.SecureCookies() {
		t.Error("http base URL must not ask for Secure cookies")
	}
}

func TestLoadRefusesBadValues(t *testing.T) {
	_, err := Load(env(map[string]string{"PORTAL_ENV": "staging", "SMTP_PORT": "x", "PORTAL_BASE_URL": "ftp://a"}))
	for _, want := range []string{"PORTAL_ENV", "SMTP_PORT", "PORTAL_BASE_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestHTTPSBaseURLMeansSecureCookies(t *testing.T) {
	c, err := Load(env(map[string]string{"PORTAL_BASE_URL": "https://portal.example.jp/"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() || c.BaseURL != "https://portal.example.jp" {
		t.Errorf("got %+v", c)
	}
}

func TestMetricsAddr(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.MetricsAddr != "" {
		t.Errorf("default: MetricsAddr %q, err %v; want empty (served on the public listener)", c.MetricsAddr, err)
	}
	c, err = Load(env(map[string]string{"PORTAL_METRICS_ADDR": " 127.0.0.1:9090 "}))
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("got MetricsAddr %q, err %v", c.MetricsAddr, err)
	}
	if !strings.Contains(c.String(), "metrics=127.0.0.1:9090") {
		t.Errorf("String does not show the metrics address: %s", c)
	}
	for _, bad := range []string{"9090", "localhost", ":8080"} {
		_, err := Load(env(map[string]string{"PORTAL_METRICS_ADDR": bad}))
		if err == nil || !strings.Contains(err.Error(), "PORTAL_METRICS_ADDR") {
			t.Errorf("PORTAL_METRICS_ADDR=%q: error %v does not name the variable", bad, err)
		}
	}
}
