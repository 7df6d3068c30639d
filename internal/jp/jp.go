// Package jp holds Japanese business rules that several domains share:
// the qualified-invoice registration number and its check digit, postal
// codes and the 47 prefectures.
package jp

import (
	"regexp"
	"strings"
)

// ValidRegistrationNumber reports whether s is "T" followed by a 13-digit
// corporate number whose first digit is the check digit (consumption tax
// qualified-invoice registration number).
func ValidRegistrationNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' {
		return false
	}
	digits := s[1:]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return int(digits[0]-'0') == checkDigit(digits[1:])
}

// checkDigit computes 9 − (Σ Pn × Qn mod 9) over the 12 digits, n counted
// from the rightmost digit, Qn = 1 for odd n and 2 for even n.
func checkDigit(twelve string) int {
	sum := 0
	for n := 1; n <= 12; n++ {
		p := int(twelve[12-n] - '0')
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += p * q
	}
	return 9 - sum%9
}

var postalCodeRE = regexp.MustCompile(`^[0-9]{3}-[0-9]{4}$`)

// ValidPostalCode reports whether s is a Japanese postal code NNN-NNNN.
func ValidPostalCode(s string) bool { return postalCodeRE.MatchString(s) }

// NormalizePostalCode turns "1040061", "104-0061" or full-width digits into
// NNN-NNNN; anything else is returned trimmed, for validation to refuse.
func NormalizePostalCode(s string) string {
	s = strings.TrimSpace(toHalfWidthDigits(s))
	s = strings.NewReplacer("ー", "-", "−", "-", "‐", "-", "－", "-", "〒", "").Replace(s)
	if len(s) == 7 && !strings.Contains(s, "-") {
		return s[:3] + "-" + s[3:]
	}
	return s
}

func toHalfWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

// Prefectures are the 47 prefectures in JIS X 0401 order (code = index + 1).
var Prefectures = []string{
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
}

// IsPrefecture reports whether s is one of the 47 prefectures.
func IsPrefecture(s string) bool {
	for _, p := range Prefectures {
		if p == s {
			return true
		}
	}
	return false
}
