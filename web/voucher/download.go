package voucher

import (
	"fmt"
	"net/http"
)

// attachment is the response of a download: it sets the headers of a file
// to save (its type and name, not to be cached) when the first byte is
// written. An export that fails before its first byte, such as on its
// first query, therefore still gets the HTML error page.
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
