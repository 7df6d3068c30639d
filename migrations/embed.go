// Package migrations embeds the portal's SQL migrations (golang-migrate
// pairs, NNNNNN_name.up.sql / .down.sql) so that the binary carries them.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
