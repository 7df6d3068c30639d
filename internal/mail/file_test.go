package mail_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/mail"
)

func TestFileSenderWritesAnEMLFile(t *testing.T) {
	dir := t.TempDir()
	s := mail.FileSender{Dir: filepath.Join(dir, "mail")}
	err := s.Send(context.Background(), "portal@operator.example", mail.Message{
		ID: 7, To: []string{"billing@acme.example"}, Subject: "請求書のご案内", BodyText: "10月分の請求書です。"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mail", "outbox-000007.eml"))
	if err != nil {
		t.Fatal(err)
	}
	eml := string(b)
	for _, want := range []string{"To: <billing@acme.example>", "From: <portal@operator.example>", "Subject: =?UTF-8?", "Message-ID: <outbox-7@portal>"} {
		if !strings.Contains(eml, want) {
			t.Errorf(".eml lacks %q:\n%s", want, eml)
		}
	}
}
