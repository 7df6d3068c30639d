package csvout

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// appendField appends s neutralised and, when encoding/csv would quote it,
// quoted: empty is never quoted; `\.`, a comma, a quote, CR or LF, or a
// leading space makes it quoted, with quotes doubled.
func appendField(buf []byte, s string) []byte {
	s = Neutralize(s)
	if !fieldNeedsQuotes(s) {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		buf = append(append(buf, s[:i+1]...), '"')
		s = s[i+1:]
	}
	return append(append(buf, s...), '"')
}

// fieldNeedsQuotes is encoding/csv's rule for the comma and "\n".
func fieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// needsCare reports whether b might be changed by neutralising or quoting,
// or is not ASCII: plain codes, words and numbers are not.
func needsCare(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if strings.IndexByte("=+-@\t\r\n\v\f \\", b[0]) >= 0 {
		return true
	}
	for _, x := range b {
		if x >= 0x80 || x == ',' || x == '"' || x == '\r' || x == '\n' {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @, a tab or a carriage return gets a leading '.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// appendRFC3339 is t.AppendFormat(buf, time.RFC3339), about three times
// faster for the years and whole-minute zones it meets.
func appendRFC3339(buf []byte, t time.Time) []byte {
	_, offset := t.Zone()
	if t.Year() < 1000 || t.Year() > 9999 || offset%60 != 0 {
		return t.AppendFormat(buf, time.RFC3339)
	}
	buf = appendDate(buf, t)
	hour, minute, sec := t.Clock()
	buf = append(buf, 'T')
	buf = append2(buf, hour, ':')
	buf = append2(buf, minute, ':')
	buf = append2(buf, sec, 0)
	if offset == 0 {
		return append(buf, 'Z')
	}
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	buf = append(buf, sign)
	buf = append2(buf, offset/3600, ':')
	return append2(buf, offset/60%60, 0)
}

// appendDate is t.AppendFormat(buf, time.DateOnly) for four-digit years.
func appendDate(buf []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.AppendFormat(buf, time.DateOnly)
	}
	buf = append(buf, byte('0'+y/1000), byte('0'+y/100%10))
	buf = append2(buf, y%100, '-')
	buf = append2(buf, int(m), '-')
	return append2(buf, d, 0)
}

// append2 appends n (0 to 99) as two digits, then sep unless it is 0.
func append2(buf []byte, n int, sep byte) []byte {
	buf = append(buf, byte('0'+n/10), byte('0'+n%10))
	if sep != 0 {
		buf = append(buf, sep)
	}
	return buf
}
