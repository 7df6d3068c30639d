package httpx

import (
	"fmt"
	"io"
	"net/http"

	"github.com/ccp-partner/portal/internal/csvout"
)

// Attachment returns the writer of a download: it sets the headers of a
// file to save (its type and name, not to be cached) when the first byte
// is written. An export that fails before its first byte, such as on its
// first query, therefore still gets the HTML error page.
func Attachment(w http.ResponseWriter, contentType, name string) io.Writer {
	return &attachment{w: w, contentType: contentType, name: name}
}

type attachment struct {
	w           http.ResponseWriter
	contentType string
	name        string
	started     bool
}

func (a *attachment) Write(p []byte) (int, error) {
	if !a.started {
		a.started = true
		h := a.w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, a.name))
		h.Set("Cache-Control", "private, no-store")
	}
	return a.w.Write(p)
}

// CSVDownload is the response of a CSV download named name: UTF-8 with a
// byte-order mark unless encoding=sjis asks for Shift_JIS. Its headers are
// set when the export writes its first byte, which it does once its first
// query has succeeded.
func CSVDownload(w http.ResponseWriter, r *http.Request, name string) (io.Writer, csvout.Encoding) {
	if r.URL.Query().Get("encoding") == "sjis" {
		return Attachment(w, "text/csv; charset=Shift_JIS", name), csvout.ShiftJIS
	}
	return Attachment(w, "text/csv; charset=utf-8", name), csvout.UTF8BOM
}
