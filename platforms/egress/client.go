package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses; *net.Resolver implements it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Client is an HTTP client for merchant-supplied URLs under p, with the
// given overall timeout: every request, each redirect included, passes
// CheckURL, and every connection goes only to an address CheckAddr lets
// through (or to an allowed host:port).
func (p Policy) Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: p.Transport()}
}

// Transport is the RoundTripper of Client: no proxy from the environment
// (a proxy would dial for us, unchecked), connections through p's dialer.
func (p Policy) Transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.dialContext
	return &transport{policy: p, next: t}
}

type transport struct {
	policy Policy
	next   http.RoundTripper
}

// RoundTrip refuses a request whose URL the policy does not let through.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.policy.CheckURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// dialer checks, in Control, the very address each connection attempt
// goes to.
var dialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: control}

// plainDialer dials the host:port pairs the policy allows.
var plainDialer = &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}

// control refuses a connection to a forbidden address.
func control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read the address %q", ErrForbidden, address)
	}
	return CheckAddr(ap.Addr())
}

// dialContext resolves addr's host, drops the forbidden addresses and
// dials the others in turn (each checked again in control).
func (p Policy) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if p.allowsHostPort(addr) {
		return plainDialer.DialContext(ctx, network, addr)
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("egress: port %q: %w", portText, err)
	}
	ips, err := p.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ip := range ips {
		if err := CheckAddr(ip); err != nil {
			errs = append(errs, fmt.Errorf("%s resolves to a forbidden address: %w", host, err))
			continue
		}
		conn, err := dialer.DialContext(ctx, network, netip.AddrPortFrom(ip.Unmap(), uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("egress: %s has no address", host)
	}
	return nil, errors.Join(errs...)
}

// lookup resolves host (an IP literal is its own address).
func (p Policy) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	return r.LookupNetIP(ctx, "ip", host)
}
