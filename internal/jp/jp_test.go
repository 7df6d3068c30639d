package jp

import "testing"

func TestRegistrationNumber(t *testing.T) {
	cases := map[string]bool{
		"T8010001078218":  true,  // printed in the partner manual
		"T8010001078217":  false, // wrong last digit changes the check
		"T7123456789012":  true,  // compliance-jp.md example
		"T1010001078218":  false, // wrong check digit
		"8010001078218":   false, // no T
		"T801000107821":   false, // 12 digits
		"T80100010782180": false,
		"T80100010782a8":  false,
		"t8010001078218":  false,
	}
	for in, want := range cases {
		if got := ValidRegistrationNumber(in); got != want {
			t.Errorf("ValidRegistrationNumber(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPostalCodes(t *testing.T) {
	for in, want := range map[string]string{"1040061": "104-0061", "104-0061": "104-0061", "１０４－００６１": "104-0061", "〒104-0061": "104-0061", " 104ー0061 ": "104-0061"} {
		got := NormalizePostalCode(in)
		if got != want || !ValidPostalCode(got) {
			t.Errorf("NormalizePostalCode(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"104-006", "10400611", "abc-defg", ""} {
		if ValidPostalCode(NormalizePostalCode(bad)) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPrefectures(t *testing.T) {
	if len(Prefectures) != 47 || Prefectures[12] != "東京都" || Prefectures[46] != "沖縄県" {
		t.Fatalf("prefecture list: %d, code 13 = %s", len(Prefectures), Prefectures[12])
	}
	if !IsPrefecture("大阪府") || IsPrefecture("東京") {
		t.Error("IsPrefecture")
	}
}
