// Package egress guards the requests the server makes to URLs a merchant
// supplied (a WooCommerce store today, outgoing webhook endpoints later):
// such a URL must use https and must not reach loopback, private,
// link-local (cloud metadata included), unspecified, multicast or other
// special-purpose addresses. The check runs on the address actually
// dialled, after DNS resolution and on every redirect, so a name that
// resolves (or is rebound) to an internal address is refused too.
//
// Exceptions are explicit: Policy.Allow lists the URL prefixes that may be
// reached over plain http at any address (the app's own sandbox store in
// newcomer mode, test servers).
//
// Read egress.go (Policy and CheckURL), then addr.go (which addresses are
// refused) and client.go (the transport that checks every dial).
package egress

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrForbidden is wrapped by every refusal of a URL or an address.
var ErrForbidden = errors.New("egress: address not allowed")

// Policy says which merchant-supplied URLs may be fetched.
type Policy struct {
	// Allow lists URL prefixes ("http://127.0.0.1:8080/_sandbox/woocommerce")
	// exempt from the rules: a URL with the same scheme and host:port
	// whose path is the prefix's path or below it. Empty: https to public
	// addresses only.
	Allow []string
	// Resolver looks names up (default net.DefaultResolver).
	Resolver Resolver
}

// CheckURL refuses, before any connection is made, a URL the policy does
// not let through: not https (unless allowed), with userinfo, without a
// host, or naming a forbidden address literally (an IP or localhost).
// Names are checked again on the address dialled.
func (p Policy) CheckURL(u *url.URL) error {
	switch {
	case u == nil || u.Host == "":
		return fmt.Errorf("%w: a URL with a host is needed", ErrForbidden)
	case u.User != nil:
		return fmt.Errorf("%w: %s carries a user name or password", ErrForbidden, u.Redacted())
	case p.allowed(u):
		return nil
	case !strings.EqualFold(u.Scheme, "https"):
		return fmt.Errorf("%w: %s must use https", ErrForbidden, u.Redacted())
	}
	return CheckHost(u.Hostname())
}

// allowed reports whether u falls under one of the Allow prefixes.
func (p Policy) allowed(u *url.URL) bool {
	for _, raw := range p.Allow {
		a, err := url.Parse(strings.TrimRight(raw, "/"))
		if err != nil || a.Host == "" {
			continue
		}
		if strings.EqualFold(a.Scheme, u.Scheme) && sameHostPort(a, u) && underPath(u.Path, a.Path) {
			return true
		}
	}
	return false
}

// allowsHostPort reports whether an Allow prefix names hostport (as dialled).
func (p Policy) allowsHostPort(hostport string) bool {
	for _, raw := range p.Allow {
		if a, err := url.Parse(raw); err == nil && a.Host != "" && strings.EqualFold(hostPort(a), hostport) {
			return true
		}
	}
	return false
}

// underPath reports whether path is prefix or below it, with no ".."
// segment that could climb out of it.
func underPath(path, prefix string) bool {
	if strings.Contains("/"+path+"/", "/../") {
		return false
	}
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

func sameHostPort(a, b *url.URL) bool { return strings.EqualFold(hostPort(a), hostPort(b)) }

// hostPort is u's host with its port, the default one of its scheme if none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if strings.EqualFold(u.Scheme, "http") {
			port = "80"
		}
	}
	host := u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + port
}
