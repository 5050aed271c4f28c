package guance

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"
)

// Text is a string field of an answer, or null when the API sent nothing meaningful.
type Text struct {
	value string
	valid bool
}

// TextOf is a present text value.
func TextOf(s string) Text { return Text{value: s, valid: true} }

// IsNull reports whether the API sent no value.
func (t Text) IsNull() bool { return !t.valid }

// Value is the text, "" when null.
func (t Text) Value() string { return t.value }

// Decimal is an exact decimal number exactly as the API wrote it, or null. It never goes
// through float64: 17211.88 stays 17211.88.
type Decimal struct {
	text string // canonical decimal text; "" means null
}

// ParseDecimal accepts the JSON number grammar (what the API sends, quoted or not).
func ParseDecimal(s string) (Decimal, error) {
	if !isJSONNumber(s) {
		return Decimal{}, fmt.Errorf("%q is not a number", s)
	}
	return Decimal{text: s}, nil
}

// IsNull reports whether the API sent no value.
func (d Decimal) IsNull() bool { return d.text == "" }

// String is the decimal text, "" when null.
func (d Decimal) String() string { return d.text }

// Exact is the value for arithmetic; null counts as zero.
func (d Decimal) Exact() decimal.Decimal {
	if d.text == "" {
		return decimal.Zero
	}
	// The text was checked against the JSON number grammar, which decimal always parses.
	v, _ := decimal.NewFromString(d.text)
	return v
}

// isJSONNumber checks the JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// wireText takes a JSON string, the string "None", "" or null; null-likes become null.
type wireText struct{ Text }

func (w *wireText) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		w.Text = Text{}
	case len(b) > 0 && b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return err
		}
		if s == "None" || s == "" {
			w.Text = Text{}
		} else {
			w.Text = TextOf(s)
		}
	default:
		// A number or boolean where text was expected: keep what was sent, as text.
		w.Text = TextOf(string(b))
	}
	return nil
}

// wireNumber takes a JSON number, a numeric string, "None", "" or null. Anything else is kept
// as raw text and refused later, with the record and field named, by decimal().
type wireNumber struct {
	text  string
	valid bool
}

func (w *wireNumber) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*w = wireNumber{}
	case len(b) > 0 && b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return err
		}
		if s == "None" || s == "" {
			*w = wireNumber{}
		} else {
			*w = wireNumber{text: s, valid: true}
		}
	default:
		*w = wireNumber{text: string(b), valid: true}
	}
	return nil
}

func (w wireNumber) decimal() (Decimal, error) {
	if !w.valid {
		return Decimal{}, nil
	}
	return ParseDecimal(w.text)
}

func unquote(b []byte) (string, error) {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}
