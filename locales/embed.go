// Package locales embeds the portal's message files: en.toml and ja.toml,
// flat maps from message id to text (go-i18n templates).
package locales

import "embed"

// FS holds the message files.
//
//go:embed *.toml
var FS embed.FS
