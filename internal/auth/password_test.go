package auth

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	cases := map[string]string{
		"ascii":             "correct horse battery staple",
		"25 Japanese chars": "日本語のパスワードは二十五文字でも正しく使えます。",
	}
	for name, pw := range cases {
		t.Run(name, func(t *testing.T) {
			if name == "25 Japanese chars" && (len([]rune(pw)) != 25 || len(pw) != 75) {
				t.Fatalf("fixture: %d runes, %d bytes", len([]rune(pw)), len(pw))
			}
			if err := CheckPasswordPolicy(pw); err != nil {
				t.Fatal(err)
			}
			h, err := HashPassword(pw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("hash does not carry its parameters: %s", h)
			}
			if !VerifyPassword(h, pw) {
				t.Error("the right password is refused")
			}
			// Changing the last character (a 3-byte rune for Japanese) must fail.
			r := []rune(pw)
			r[len(r)-1] = 'x'
			if VerifyPassword(h, string(r)) {
				t.Error("a wrong password is accepted")
			}
		})
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if VerifyPassword(h, "") {
			t.Errorf("hash %q matched", h)
		}
	}
}

func TestPasswordPolicyCountsCharacters(t *testing.T) {
	if CheckPasswordPolicy("短いパスワード") != ErrPasswordTooShort { // 7 runes, 21 bytes
		t.Error("7 characters accepted")
	}
	if CheckPasswordPolicy(strings.Repeat("あ", 129)) != ErrPasswordTooLong {
		t.Error("129 characters accepted")
	}
}
