package guance

import (
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

// isNoneText reports whether the API meant "no value": it writes absent values as the string
// "None" (a Python None turned into text), and sometimes as "".
func isNoneText(s string) bool { return s == "None" || s == "" }
