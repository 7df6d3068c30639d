package layout

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
)

// Render writes c as an HTML page with status. It renders into a buffer
// first, so that a failing template yields the error page, not half a page.
func Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// RenderError writes the translated error page; it is the httpx.ErrorRenderer.
func RenderError(w http.ResponseWriter, r *http.Request, status int, messageID string) {
	if err := Render(w, r, status, ErrorPage(status, messageID)); err != nil {
		http.Error(w, http.StatusText(status), status)
	}
}
