package egress

import (
	"net/url"
	"strings"
)

// IsLocalDev reports a development URL on this machine: plain http to
// localhost or 127.0.0.1, any port.
func IsLocalDev(u *url.URL) bool {
	if u == nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || h == "127.0.0.1"
}

// AllowingLocal is p, letting u through too when allow is set and u is a
// development URL (IsLocalDev): a development deployment may post to a
// receiver on the same machine; any other deployment may not.
func (p Policy) AllowingLocal(u *url.URL, allow bool) Policy {
	if !allow || !IsLocalDev(u) {
		return p
	}
	p.Allow = append(append([]string(nil), p.Allow...), u.Scheme+"://"+u.Host)
	return p
}
