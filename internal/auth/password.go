// Package auth signs people in: argon2id password hashes, server-side
// sessions with idle and absolute timeouts, login throttling, single-use
// password-reset links, and the Principal (who is acting, for which partner,
// with which roles).
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/ccp-partner/portal/internal/fault"
)

// argon2id parameters (OWASP's minimum: 19 MiB, 2 passes, 1 lane); they are
// stored with each hash, so they can be raised without breaking old ones.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	saltLen        = 16
)

// Password length limits, in characters (runes), not bytes: a 25-character
// Japanese password is 75 bytes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// ErrPasswordTooShort and ErrPasswordTooLong are returned by CheckPasswordPolicy.
var (
	ErrPasswordTooShort = fault.New(fault.Invalid, "password too short", "")
	ErrPasswordTooLong  = fault.New(fault.Invalid, "password too long", "")
)

// CheckPasswordPolicy returns an error when pw is outside the length limits.
func CheckPasswordPolicy(pw string) error {
	n := len([]rune(pw))
	switch {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	return nil
}

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash. An empty or malformed hash
// never matches.
func VerifyPassword(hash, pw string) bool {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is verified against when a username is unknown, so that a
// missing user takes as long as a wrong password.
var dummyHash = mustHash("dummy password for timing")

func mustHash(pw string) string {
	h, err := HashPassword(pw)
	if err != nil {
		panic(err)
	}
	return h
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

func parseHash(hash string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errors.New("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, err
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, errors.New("bad key")
	}
	return p, salt, key, nil
}
