package main

import "strings"

// LocalWebhooks reports whether outgoing webhook endpoints may be plain
// http on localhost or 127.0.0.1: in newcomer mode, or when the app's own
// URL is on this machine (a development deployment).
func (c Config) LocalWebhooks() bool {
	u := strings.ToLower(c.AppURL)
	return c.Newcomer() || strings.HasPrefix(u, "http://localhost") || strings.HasPrefix(u, "http://127.0.0.1")
}
