package guance

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

func TestJSONNumberGrammar(t *testing.T) {
	good := []string{"0", "-0", "17211.88", "12.50", "1e3", "1.5E-2", "-3", "0.0001"}
	bad := []string{"", "-", "01", "1.", ".5", "1e", "12,50", "12.50 CNY", "NaN", "Infinity", "+1", "0x10", " 1", "1 "}
	for _, s := range good {
		if !isJSONNumber(s) {
			t.Errorf("%q should be a number", s)
		}
	}
	for _, s := range bad {
		if isJSONNumber(s) {
			t.Errorf("%q should not be a number", s)
		}
	}
}

func TestNumbersTakeTheAPIsQuirks(t *testing.T) {
	d := newFieldDecoder(nil)
	cases := []struct {
		json, want string
		null       bool
	}{
		{`17211.88`, "17211.88", false},
		{`"12.50"`, "12.50", false},
		{`"None"`, "", true},
		{`null`, "", true},
		{`""`, "", true},
		{`0`, "0", false},
	}
	for _, c := range cases {
		text, bad, err := d.numberText(jsontext.Value(c.json))
		if err != nil || bad != "" {
			t.Fatalf("%s: %v %q", c.json, err, bad)
		}
		if (text == nil) != c.null || string(text) != c.want {
			t.Errorf("%s → %q (null %v), want %q (null %v)", c.json, text, text == nil, c.want, c.null)
		}
	}
	for _, raw := range []string{`"12,50 CNY"`, `true`, `{"a":1}`, `"NaN"`} {
		if _, bad, err := d.numberText(jsontext.Value(raw)); err != nil || bad == "" {
			t.Errorf("%s must be reported as not a number (err %v)", raw, err)
		}
	}
}

func TestTextTurnsNoneIntoNullAndKeepsUTF8(t *testing.T) {
	d := newFieldDecoder(nil)
	for in, want := range map[string]*string{
		`"None"`: nil, `null`: nil, `""`: nil, `"生产环境"`: ptr("生产环境"), `"a\"b"`: ptr(`a"b`),
		`"\u751f"`: ptr("生"), `12`: ptr("12"), "\"bad\xff\"": ptr("bad\uFFFD"),
	} {
		got, err := d.text(jsontext.Value(in))
		if err != nil {
			t.Fatal(err)
		}
		if (want == nil) != got.IsNull() || (want != nil && got.Value() != *want) {
			t.Errorf("%s → %q null=%v", in, got.Value(), got.IsNull())
		}
	}
}

func ptr(s string) *string { return &s }

func TestAmountsWithHugeExponentsAreRefusedNotSummedAsZero(t *testing.T) {
	for _, s := range []string{"1e20000", "1e3000000000", "-5E+101", "1e-101"} {
		if _, err := ParseDecimal(s); err == nil {
			t.Errorf("%s was admitted as an amount", s)
		}
		text, bad, err := newFieldDecoder(nil).numberText(jsontext.Value(s))
		if err != nil || text != nil || bad == "" {
			t.Errorf("%s: decoder admitted it (text %q, bad %q, err %v)", s, text, bad, err)
		}
		if why := notAnAmount(s); why != "a number out of the range of amounts (exponent beyond ±100)" {
			t.Errorf("%s: %s", s, why)
		}
	}
	for _, s := range []string{"1e100", "2.5E-100", "1e+3"} {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if d.exact().IsZero() {
			t.Errorf("%s summed as 0", s)
		}
	}
}
