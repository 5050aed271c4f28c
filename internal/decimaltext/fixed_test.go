package decimaltext

import "testing"

func TestParseFixedReadsPlainDecimalsAndSaysWhenTheyAreCanonical(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want Fixed
		ok   bool
	}{
		{"17211.88", Fixed{1721188, 2, true}, true},
		{"12.50", Fixed{125, 1, false}, true},
		{"0.5", Fixed{5, 1, true}, true},
		{"-0.30", Fixed{-3, 1, false}, true},
		{"150", Fixed{150, 0, true}, true},
		{"150.00", Fixed{150, 0, false}, true},
		{"-0", Fixed{0, 0, false}, true},
		{"1e3", Fixed{}, false},
		{"1234567890123456789", Fixed{}, false},
	}
	for _, c := range cases {
		got, ok := ParseFixed(c.text)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: got %+v ok=%v", c.text, got, ok)
		}
	}
}
