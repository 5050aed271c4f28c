package guance

import (
	"encoding/json"
	"testing"
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

func TestWireNumberTakesTheAPIsQuirks(t *testing.T) {
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
		var w wireNumber
		if err := json.Unmarshal([]byte(c.json), &w); err != nil {
			t.Fatalf("%s: %v", c.json, err)
		}
		d, err := w.decimal()
		if err != nil {
			t.Fatalf("%s: %v", c.json, err)
		}
		if d.IsNull() != c.null || d.String() != c.want {
			t.Errorf("%s → %q (null %v), want %q (null %v)", c.json, d.String(), d.IsNull(), c.want, c.null)
		}
	}
	for _, bad := range []string{`"12,50 CNY"`, `true`, `{"a":1}`} {
		var w wireNumber
		if err := json.Unmarshal([]byte(bad), &w); err != nil {
			t.Fatalf("%s: %v", bad, err)
		}
		if _, err := w.decimal(); err == nil {
			t.Errorf("%s must not decode as a number", bad)
		}
	}
}

func TestWireTextTurnsNoneIntoNullAndKeepsUTF8(t *testing.T) {
	for in, want := range map[string]*string{`"None"`: nil, `null`: nil, `""`: nil, `"生产环境"`: ptr("生产环境"), `"a\"b"`: ptr(`a"b`)} {
		var w wireText
		if err := json.Unmarshal([]byte(in), &w); err != nil {
			t.Fatal(err)
		}
		if (want == nil) != w.IsNull() || (want != nil && w.Value() != *want) {
			t.Errorf("%s → %q null=%v", in, w.Value(), w.IsNull())
		}
	}
}

func ptr(s string) *string { return &s }
