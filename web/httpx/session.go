package httpx

import (
	"net/http"
	"time"
)

// SessionCookie is the name of the cookie carrying the session token.
const SessionCookie = "portal_session"

// LanguageCookie keeps an anonymous visitor's language.
const LanguageCookie = "portal_lang"

// Cookies writes the portal's cookies: HttpOnly, SameSite=Lax, and Secure
// when the portal is served over https.
type Cookies struct{ Secure bool }

// SetSession stores the session token for maxAge.
func (c Cookies) SetSession(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, c.cookie(SessionCookie, token, int(maxAge.Seconds())))
}

// ClearSession removes the session cookie.
func (c Cookies) ClearSession(w http.ResponseWriter) {
	http.SetCookie(w, c.cookie(SessionCookie, "", -1))
}

// SetLanguage remembers an anonymous visitor's language for a year.
func (c Cookies) SetLanguage(w http.ResponseWriter, lang string) {
	http.SetCookie(w, c.cookie(LanguageCookie, lang, 365*24*3600))
}

func (c Cookies) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode}
}

// SessionToken returns the session token the request carries, or "".
func SessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}
