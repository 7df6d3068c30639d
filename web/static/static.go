// Package static embeds the portal's CSS and the little JavaScript it needs.
package static

import "embed"

// FS holds the static files, served under /static/.
//
//go:embed *.css *.js
var FS embed.FS
