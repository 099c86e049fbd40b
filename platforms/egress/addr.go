package egress

import (
	"fmt"
	"net/netip"
	"strings"
)

// reserved are special-purpose ranges netip has no predicate for: none of
// them is a public host a merchant's store could live on.
var reserved = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // with 255.255.255.255, broadcast
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// CheckAddr refuses an address a merchant-supplied URL must not reach:
// loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with
// the cloud metadata service, fe80::/10), unspecified, multicast and the
// other special-purpose ranges. IPv4-mapped IPv6 addresses are judged as
// the IPv4 address they carry.
func CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	kind := ""
	switch {
	case !ip.IsValid():
		kind = "invalid"
	case ip.IsLoopback():
		kind = "loopback"
	case ip.IsPrivate():
		kind = "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		kind = "link-local"
	case ip.IsUnspecified():
		kind = "unspecified"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		kind = "multicast"
	}
	for _, r := range reserved {
		if kind == "" && r.prefix.Contains(ip) {
			kind = r.name
		}
	}
	if kind != "" {
		return fmt.Errorf("%w: %s is a %s address", ErrForbidden, ip.WithZone(""), kind)
	}
	return nil
}

// CheckHost refuses a URL host that is a forbidden address written out
// (an IP literal) or a loopback name (localhost and *.localhost, RFC 6761).
// Other names pass here and are checked when dialled.
func CheckHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("%w: %s is a loopback name", ErrForbidden, host)
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		return CheckAddr(ip)
	}
	return nil
}
