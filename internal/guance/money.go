package guance

import (
	"fmt"
	"regexp"
	"strings"
)

// Currency is the ISO 4217 code of the currency amounts are in, such as CNY, or "" when the
// configuration states none. The API reports no currency, and the international sites may
// not bill in CNY, so it is never guessed: without one, amounts are written bare.
type Currency string

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// CurrencyRule says what a currency must look like, for schema descriptions and errors.
const CurrencyRule = "an ISO 4217 code of three capital letters, such as CNY or USD"

// ParseCurrency accepts an ISO 4217 code, or "" for none.
func ParseCurrency(s string) (Currency, error) {
	if s != "" && !currencyCode.MatchString(s) {
		return "", fmt.Errorf("%q is not a currency; write %s", s, CurrencyRule)
	}
	return Currency(s), nil
}

// Money writes an amount for a message: rounded to 2 decimal places, half away from zero,
// with thousands separated by commas, and followed by the currency when one is stated, as in
// 12,345.68 CNY. State keeps the exact value; only messages round. A null amount is "none".
func (c Currency) Money(d Decimal) string {
	if d.IsNull() {
		return "none"
	}
	text := groupThousands(d.exact().StringFixed(2))
	if c == "" {
		return text
	}
	return text + " " + string(c)
}

// Percent writes a percentage for a message, rounded to 1 decimal place half away from zero,
// with a percent sign: 80.0%. A null one is "none".
func Percent(d Decimal) string {
	if d.IsNull() {
		return "none"
	}
	return d.exact().StringFixed(1) + "%"
}

// ratio writes a ratio (or a count of days) for a message, rounded to 1 decimal place half
// away from zero: 1.5. A null one is "none".
func ratio(d Decimal) string {
	if d.IsNull() {
		return "none"
	}
	return d.exact().StringFixed(1)
}

// groupThousands puts a comma between each group of three digits of a fixed-point number's
// integer part.
func groupThousands(fixed string) string {
	sign, digits := "", fixed
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	whole, fraction, _ := strings.Cut(digits, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if fraction != "" {
		return sign + b.String() + "." + fraction
	}
	return sign + b.String()
}
