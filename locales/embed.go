// Package locales embeds the portal's message files, flat maps from message
// id to text (go-i18n templates): en.toml and ja.toml, and one pair per area
// that has its own (billing.en.toml, billing.ja.toml), so that an area's
// messages can be read and changed together.
package locales

import "embed"

// FS holds the message files.
//
//go:embed *.toml
var FS embed.FS
