package httpx

import "net/http"

// CertificateDownload answers one certificate as a file to save: the chain
// (the certificate, then its issuer) as PEM, or with ?format=der the
// certificate alone as DER, named after its serial.
func CertificateDownload(w http.ResponseWriter, r *http.Request, serial string, der, chainPEM []byte) error {
	name := "certificate-" + serial
	var err error
	if r.URL.Query().Get("format") == "der" {
		_, err = Attachment(w, "application/pkix-cert", name+".cer").Write(der)
	} else {
		_, err = Attachment(w, "application/pem-certificate-chain", name+"-chain.pem").Write(chainPEM)
	}
	return err
}
