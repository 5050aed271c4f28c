package guance

import (
	"math"

	"github.com/shopspring/decimal"

	"github.com/guance-finops/terraform-provider-guance/internal/decimaltext"
)

// amount accumulates an exact decimal sum. While the sum fits, it is an int64 count of
// 10^-scale units, which costs no allocation per addition; past that it continues in
// decimal.Decimal. A hundred thousand amounts are summed in a few milliseconds either way
// of the fast path, and exactly in both.
type amount struct {
	units int64
	scale int
	big   *decimal.Decimal
}

// maxFastScale bounds the fast path's scale so rescaling stays cheap and safe.
const maxFastScale = 12

func (a *amount) add(d Decimal) {
	if d.IsNull() {
		return
	}
	if a.big == nil {
		if f, ok := decimaltext.ParseFixed(d.String()); ok && f.Scale <= maxFastScale && a.addUnits(f.Units, f.Scale) {
			return
		}
		b := a.value()
		a.big = &b
	}
	*a.big = a.big.Add(d.Exact())
}

// addUnits adds m × 10^-s in the int64 form, or reports false when that would overflow.
func (a *amount) addUnits(m int64, s int) bool {
	units, scale := a.units, a.scale
	for scale < s {
		if units > math.MaxInt64/10 || units < math.MinInt64/10 {
			return false
		}
		units *= 10
		scale++
	}
	for ; s < scale; s++ {
		if m > math.MaxInt64/10 || m < math.MinInt64/10 {
			return false
		}
		m *= 10
	}
	sum := units + m
	if (m > 0 && sum < units) || (m < 0 && sum > units) {
		return false
	}
	a.units, a.scale = sum, scale
	return true
}

func (a *amount) value() decimal.Decimal {
	if a.big != nil {
		return *a.big
	}
	return decimal.New(a.units, -int32(a.scale)) //nolint:gosec // scale is at most maxFastScale
}

// total is the sum as a Decimal, the one decimal type the client hands out.
func (a *amount) total() Decimal { return decimalOf(a.value()) }

// amounts sums per key.
type amounts map[string]*amount

func (m amounts) add(key string, d Decimal) {
	a, ok := m[key]
	if !ok {
		a = &amount{}
		m[key] = a
	}
	a.add(d)
}

// sum is key's sum, 0 when nothing was added under it.
func (m amounts) sum(key string) decimal.Decimal {
	if a, ok := m[key]; ok {
		return a.value()
	}
	return decimal.Zero
}

// totals is every key's sum.
func (m amounts) totals() map[string]Decimal {
	out := make(map[string]Decimal, len(m))
	for k, a := range m {
		out[k] = a.total()
	}
	return out
}
