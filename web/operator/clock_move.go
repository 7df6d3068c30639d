package operator

import (
	"net/http"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ClockPage is the view model of the test-clock page.
type ClockPage struct {
	Now      time.Time
	System   time.Time
	Offset   time.Duration
	SetTo    string
	Advance  string
	ErrorID  string
	ErrField string
}

func (h *Handlers) clockPage() ClockPage {
	return ClockPage{Now: h.TestClock.Now(), System: time.Now(), Offset: h.TestClock.Offset()}
}

func (h *Handlers) clockShow(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, clockView(h.clockPage()))
}

// clockMove sets, advances or resets the shared test clock and audits it;
// the operator who moves it stays signed in.
func (h *Handlers) clockMove(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := h.clockPage()
	page.SetTo, page.Advance = f.Text("set_to"), f.Text("advance")
	action := f.Text("action")
	if !f.OK() {
		return f.Errs
	}
	also := h.auditClock(r)
	switch action {
	case "set":
		t, perr := clock.ParseTime(page.SetTo)
		if perr != nil {
			page.ErrField, page.ErrorID = "set_to", "clock.bad_time"
			return layout.Render(w, r, http.StatusUnprocessableEntity, clockView(page))
		}
		err = h.TestClock.Set(r.Context(), t, also)
	case "advance":
		d, perr := clock.ParseDuration(page.Advance)
		if perr != nil {
			page.ErrField, page.ErrorID = "advance", "clock.bad_duration"
			return layout.Render(w, r, http.StatusUnprocessableEntity, clockView(page))
		}
		err = h.TestClock.Advance(r.Context(), d, also)
	case "reset":
		err = h.TestClock.Reset(r.Context(), also)
	default:
		return httpx.ErrBadInput
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "clock.moved")
	return httpx.Redirect(w, r, "/operator/clock")
}

func (h *Handlers) auditClock(r *http.Request) clock.Also {
	p := auth.PrincipalFrom(r.Context())
	return func(q postgres.Querier, from, to time.Time) error {
		if err := h.Sessions.KeepAliveAt(r.Context(), q, httpx.SessionToken(r), to); err != nil {
			return err
		}
		return audit.Record(r.Context(), q, audit.Entry{
			At: to, ActorUserID: p.UserID, ActorUsername: p.Username, IP: httpx.ClientIP(r),
			Action: audit.ClockMoved, ObjectType: "clock",
			Details: map[string]any{"from": from, "to": to},
		})
	}
}
