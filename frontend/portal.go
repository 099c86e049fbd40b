package frontend

import (
	"embed"
	"io/fs"
)

//go:embed portal
var portal embed.FS

// Portal is the affiliate portal's server-rendered page templates
// (html/template, one layout and one file per page) and its stylesheet,
// rooted at portal/.
func Portal() fs.FS {
	sub, err := fs.Sub(portal, "portal")
	if err != nil {
		panic(err) // portal is embedded at build time; a failure here is a build bug
	}
	return sub
}
