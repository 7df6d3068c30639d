package httpx

import (
	"context"
	"net/http"
)

const flashCookie = "portal_flash"

type cookiesKey struct{}

// WithCookies returns ctx carrying the portal's cookie settings, so that
// helpers without a Cookies value (the flash) write cookies alike.
func WithCookies(ctx context.Context, c Cookies) context.Context {
	return context.WithValue(ctx, cookiesKey{}, c)
}

func cookiesFrom(ctx context.Context) Cookies {
	c, _ := ctx.Value(cookiesKey{}).(Cookies)
	return c
}

// SetFlash shows the message id once, on the next page the user sees.
func SetFlash(w http.ResponseWriter, r *http.Request, messageID string) {
	http.SetCookie(w, cookiesFrom(r.Context()).cookie(flashCookie, messageID, 0))
}

// TakeFlash returns the pending flash message id and clears it.
func TakeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, cookiesFrom(r.Context()).cookie(flashCookie, "", -1))
	return c.Value
}
