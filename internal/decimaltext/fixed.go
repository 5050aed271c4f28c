// Package decimaltext reads plain decimal text as an int64 count of 10^-scale units. That is
// every amount the Guance API sends, and it spares big-number arithmetic both where the
// client sums amounts and where the state writer encodes them. It depends on nothing.
//
// Why a second representation beside guance.Decimal: a Fixed is a parse-only fast path of the
// same decimal text, taken and dropped inside one function (guance's sums, tfstate's msgpack
// writer), which fall back to general arithmetic when the text does not fit. It never holds
// money across packages: the text, as guance.Decimal, does. (tfstate knows no Guance, so it
// cannot take guance.Decimal itself.)
package decimaltext

// MaxDigits is the most significant digits a Fixed holds: 10^18 still fits an int64.
const MaxDigits = 18

// Fixed is the decimal Units × 10^-Scale, with the fraction's trailing zeros dropped.
type Fixed struct {
	Units int64
	Scale int
	// Canonical reports that the text had nothing to drop, so it already was the shortest
	// form of the value.
	Canonical bool
}

// ParseFixed reads text when it is a plain decimal (digits, at most one point, an optional
// leading minus; no exponent) of at most MaxDigits significant digits. ok is false for
// anything else, which the caller then handles with general decimal arithmetic.
func ParseFixed(text string) (f Fixed, ok bool) {
	i, neg := 0, false
	if i < len(text) && text[i] == '-' {
		neg, i = true, i+1
	}
	digits, seenPoint := 0, false
	f.Canonical = true
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			if f.Units == 0 && c == '0' && !seenPoint {
				continue // a lone leading zero, as in 0.5
			}
			if digits++; digits > MaxDigits {
				return Fixed{}, false
			}
			f.Units = f.Units*10 + int64(c-'0')
			if seenPoint {
				f.Scale++
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			return Fixed{}, false
		}
	}
	if text == "" || text == "-" {
		return Fixed{}, false
	}
	for f.Scale > 0 && f.Units%10 == 0 {
		f.Units /= 10
		f.Scale--
		f.Canonical = false
	}
	if seenPoint && f.Scale == 0 || neg && f.Units == 0 {
		f.Canonical = false
	}
	if neg {
		f.Units = -f.Units
	}
	return f, true
}
