package guance

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Text is a string field of an answer, or null when the API sent nothing meaningful. The API
// means "no value" by "", so the empty string and null are one and the same here.
type Text struct {
	value string
}

// TextOf is a text value; TextOf("") is null.
func TextOf(s string) Text { return Text{value: s} }

// IsNull reports whether the API sent no value.
func (t Text) IsNull() bool { return t.value == "" }

// Value is the text, "" when null.
func (t Text) Value() string { return t.value }

// Decimal is an exact decimal number exactly as the API wrote it, or null. It never goes
// through float64: 17211.88 stays 17211.88.
type Decimal struct {
	text string // canonical decimal text; "" means null
}

// ParseDecimal accepts the JSON number grammar (what the API sends, quoted or not), with an
// exponent of at most ±100.
func ParseDecimal(s string) (Decimal, error) {
	if !isAmount(s) {
		return Decimal{}, fmt.Errorf("%q is not a number", s)
	}
	return Decimal{text: s}, nil
}

// IsNull reports whether the API sent no value.
func (d Decimal) IsNull() bool { return d.text == "" }

// String is the decimal text, "" when null.
func (d Decimal) String() string { return d.text }

// decimalOf is the result of exact arithmetic as a Decimal; its text is the shortest form of
// the value.
func decimalOf(v decimal.Decimal) Decimal { return Decimal{text: v.String()} }

// exact is the value for arithmetic; null counts as zero.
func (d Decimal) exact() decimal.Decimal {
	if d.text == "" {
		return decimal.Zero
	}
	v, err := decimal.NewFromString(d.text)
	if err != nil {
		// ParseDecimal and the decoder admit only amounts decimal parses; a zero here would be
		// a wrong total, so fail loudly.
		panic(fmt.Sprintf("guance: amount %q was admitted but does not parse: %v", d.text, err))
	}
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

// maxAmountExponent bounds the exponent of an amount. The API writes plain decimals; an
// exponent beyond this is garbage that the decimal arithmetic (and Terraform) cannot hold.
const maxAmountExponent = 100

// isAmount reports whether s is a JSON number whose exponent, if any, is within
// ±maxAmountExponent, and of sane length.
func isAmount(s string) bool {
	if len(s) > 128 || !isJSONNumber(s) {
		return false
	}
	e := strings.IndexAny(s, "eE")
	if e < 0 {
		return true
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(s[e+1:], "+"))
	return err == nil && exp >= -maxAmountExponent && exp <= maxAmountExponent
}

// isNoneText reports whether the API meant "no value": it writes absent values as the string
// "None" (a Python None turned into text), and sometimes as "".
func isNoneText(s string) bool { return s == "None" || s == "" }
