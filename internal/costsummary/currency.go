package costsummary

import (
	"fmt"
	"regexp"
)

// Currency is the ISO 4217 code of the currency that amounts are in, such as CNY, or "" when
// nobody stated one. The Guance API reports no currency, and the international sites may not
// bill in CNY, so the summary prints the one the user states, or the amounts bare.
type Currency string

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// ParseCurrency accepts an ISO 4217 code or ""; source names where text came from, for the
// error.
func ParseCurrency(text, source string) (Currency, error) {
	if text != "" && !currencyCode.MatchString(text) {
		return "", fmt.Errorf("%s is %q; a currency is an ISO 4217 code of three capital letters, such as CNY or USD", source, text)
	}
	return Currency(text), nil
}
