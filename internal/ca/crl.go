package ca

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// CRLLifetime is the time from a CRL's ThisUpdate to its NextUpdate.
const CRLLifetime = 7 * day

// Revoked is one revoked certificate.
type Revoked struct {
	Serial *big.Int
	At     time.Time // the revocation time
}

// CRL returns a DER X.509 v2 CRL signed by the intermediate that lists
// revoked, with CRL number number (which must grow with each CRL),
// ThisUpdate now and NextUpdate now+CRLLifetime.
func (a *Authority) CRL(revoked []Revoked, number int64, now time.Time) ([]byte, error) {
	if number < 0 {
		return nil, fmt.Errorf("ca: negative CRL number %d", number)
	}
	entries, err := crlEntries(revoked)
	if err != nil {
		return nil, err
	}
	thisUpdate := now.UTC().Truncate(time.Second)
	tmpl := &x509.RevocationList{
		Number:                    big.NewInt(number),
		ThisUpdate:                thisUpdate,
		NextUpdate:                thisUpdate.Add(CRLLifetime),
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, a.intermediate, a.key.signer)
	if err != nil {
		return nil, fmt.Errorf("ca: sign the CRL: %w", err)
	}
	return der, nil
}

// crlEntries converts revoked, refusing a missing or non-positive serial.
func crlEntries(revoked []Revoked) ([]x509.RevocationListEntry, error) {
	entries := make([]x509.RevocationListEntry, 0, len(revoked))
	for _, r := range revoked {
		if r.Serial == nil || r.Serial.Sign() <= 0 {
			return nil, errors.New("ca: a revoked certificate has no positive serial")
		}
		entries = append(entries, x509.RevocationListEntry{
			SerialNumber:   r.Serial,
			RevocationTime: r.At.UTC().Truncate(time.Second),
		})
	}
	return entries, nil
}
