package httpx

import (
	"net/http"
)

const flashCookie = "portal_flash"

// SetFlash shows the message id once, on the next page the user sees.
func SetFlash(w http.ResponseWriter, messageID string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: messageID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// TakeFlash returns the pending flash message id and clears it.
func TakeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.Value
}
