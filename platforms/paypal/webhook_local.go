package paypal

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxCertBytes bounds a downloaded certificate chain.
const maxCertBytes = 64 << 10

// VerifyWebhookLocally checks a delivery's signature without asking
// PayPal, as PayPal's "Integrate webhooks" guide describes
// (developer.paypal.com/api/rest/webhooks/rest, self-verification): an
// RSA-SHA256 (SHA256withRSA) signature, by the certificate at
// PAYPAL-CERT-URL, over "transmission_id|transmission_time|webhook_id|crc32",
// the CRC32 of the raw body in decimal. The certificate is fetched only
// from PayPal's API hosts (or the configured base URL, for the sandbox),
// checked for its dates and, from PayPal, for its chain to a trusted root;
// it is kept for later deliveries.
func (c *Client) VerifyWebhookLocally(ctx context.Context, h http.Header, body []byte) error {
	if err := c.checkDelivery(h, body); err != nil {
		return err
	}
	if h.Get(HeaderAuthAlgo) != "SHA256withRSA" {
		return fmt.Errorf("%w: algorithm %q", ErrSignature, h.Get(HeaderAuthAlgo))
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get(HeaderTransmissionSig))
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrSignature)
	}
	cert, err := c.signingCert(ctx, h.Get(HeaderCertURL))
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: certificate key is not RSA", ErrSignature)
	}
	msg := fmt.Sprintf("%s|%s|%s|%d", h.Get(HeaderTransmissionID), h.Get(HeaderTransmissionTime),
		c.cfg.WebhookID, crc32.ChecksumIEEE(body))
	sum := sha256.Sum256([]byte(msg))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return fmt.Errorf("%w: signature does not match", ErrSignature)
	}
	return nil
}

// signingCert returns the certificate at raw, fetched once.
func (c *Client) signingCert(ctx context.Context, raw string) (*x509.Certificate, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Path, "/v1/notifications/certs/") || u.RawQuery != "" {
		return nil, fmt.Errorf("%w: cert url %q", ErrSignature, raw)
	}
	base, _ := url.Parse(c.cfg.BaseURL)
	fromPayPal := u.Scheme == "https" && (u.Host == "api.paypal.com" || u.Host == "api-m.paypal.com" ||
		u.Host == "api.sandbox.paypal.com" || u.Host == "api-m.sandbox.paypal.com")
	if !fromPayPal && (base == nil || u.Scheme != base.Scheme || u.Host != base.Host) {
		return nil, fmt.Errorf("%w: cert url %q is not PayPal's", ErrSignature, raw)
	}
	c.mu.Lock()
	cert := c.certs[raw]
	c.mu.Unlock()
	if cert == nil {
		if cert, err = c.fetchCert(ctx, raw, fromPayPal); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.certs == nil {
			c.certs = map[string]*x509.Certificate{}
		}
		c.certs[raw] = cert
		c.mu.Unlock()
	}
	if now := c.cfg.Clock(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, fmt.Errorf("%w: certificate outside its validity", ErrSignature)
	}
	return cert, nil
}

// fetchCert downloads a PEM chain; PayPal's must chain to a trusted root.
func (c *Client) fetchCert(ctx context.Context, raw string, chain bool) (*x509.Certificate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	pemBytes, err := io.ReadAll(io.LimitReader(res.Body, maxCertBytes))
	if err != nil || res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("paypal: fetching the signing certificate: HTTP %d %v", res.StatusCode, err)
	}
	var certs []*x509.Certificate
	for blk, rest := pem.Decode(pemBytes); blk != nil; blk, rest = pem.Decode(rest) {
		if cert, err := x509.ParseCertificate(blk.Bytes); err == nil {
			certs = append(certs, cert)
		}
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: no certificate at %s", ErrSignature, raw)
	}
	if chain {
		inter := x509.NewCertPool()
		for _, ic := range certs[1:] {
			inter.AddCert(ic)
		}
		if _, err := certs[0].Verify(x509.VerifyOptions{Intermediates: inter, CurrentTime: c.cfg.Clock()}); err != nil {
			return nil, fmt.Errorf("%w: certificate chain: %v", ErrSignature, err)
		}
	}
	return certs[0], nil
}
