// Package frontend holds the browser-facing assets, built into dist/ and
// embedded in the binary so `go run ./server` needs no Node.js: the landing
// page (dist/index.html) and the admin, a single-page app whose sources are
// in admin/ and whose build is dist/admin/ (index.html and hashed assets).
//
// Read embed.go (Dist) then portal.go (the portal's templates and
// stylesheet).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist is the built assets, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; a failure here is a build bug
	}
	return sub
}
