package certificate

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/ca"
)

// CRLPath is where the CRL is served; the CA writes BaseURL+CRLPath into
// every certificate.
const CRLPath = "/crl/intermediate.crl"

// CRL is the intermediate's current certificate revocation list (DER),
// listing every revoked certificate that has not expired yet, with its
// revocation time (C-4): an expired certificate is refused anyway, so the
// list does not grow with history. Its number is the time it was made, so
// that a later list has a larger one.
func (s *Service) CRL(ctx context.Context) ([]byte, error) {
	now := s.Clock.Now()
	rows, err := s.DB.Query(ctx, `SELECT serial, revoked_at FROM certificates
		WHERE revoked_at <= $1 AND not_after > $1 ORDER BY revoked_at, id`, now)
	if err != nil {
		return nil, err
	}
	revoked, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ca.Revoked, error) {
		var serial string
		var at time.Time
		if err := r.Scan(&serial, &at); err != nil {
			return ca.Revoked{}, err
		}
		n, err := ca.ParseSerial(serial)
		return ca.Revoked{Serial: n, At: at}, err
	})
	if err != nil {
		return nil, err
	}
	return s.CA.CRL(revoked, now.UnixNano(), now)
}
