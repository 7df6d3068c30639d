package layout

import (
	"net/http"
	"time"

	"github.com/ccp-partner/portal/internal/certificate"
)

// CertificateCancelPage asks before certificate order o is cancelled at
// now, saying what the cancellation will do; its form posts to
// orderPath/cancel. An order that can no longer be cancelled gets the
// reason instead.
func CertificateCancelPage(w http.ResponseWriter, r *http.Request, o certificate.Order, now time.Time, orderPath string) error {
	if !o.CanCancel() {
		return certificate.ErrNotCancellable
	}
	return Render(w, r, http.StatusOK, CertificateCancel(o, o.Preview(now), orderPath+"/cancel", orderPath))
}
