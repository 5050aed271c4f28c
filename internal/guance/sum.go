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
	*a.big = a.big.Add(d.exact())
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

// SumBy sums amounts exactly over the records grouped by key: sums[k][i] is the sum of
// amounts[i] over the records whose key is k. Null amounts count as zero; a key that is ""
// (a record without the grouping value) is a group like any other. Only keys some record
// has are present.
func SumBy(records []*BillingRecord, key func(*BillingRecord) string, amounts ...func(*BillingRecord) Decimal) map[string][]Decimal {
	groups := map[string][]amount{}
	for _, r := range records {
		k := key(r)
		g, ok := groups[k]
		if !ok {
			g = make([]amount, len(amounts))
			groups[k] = g
		}
		for i, of := range amounts {
			g[i].add(of(r))
		}
	}
	sums := make(map[string][]Decimal, len(groups))
	for k, g := range groups {
		sums[k] = make([]Decimal, len(g))
		for i := range g {
			sums[k][i] = g[i].total()
		}
	}
	return sums
}

// Total is the exact sum of amount over the records: 0 when there are none, null amounts
// counting as zero.
func Total(records []*BillingRecord, amount func(*BillingRecord) Decimal) Decimal {
	if sums := SumBy(records, func(*BillingRecord) string { return "" }, amount); len(sums) > 0 {
		return sums[""][0]
	}
	return decimalOf(decimal.Zero)
}

// BillingResultBy is the exact sum of billingResult per key, as SumBy.
func BillingResultBy(records []*BillingRecord, key func(*BillingRecord) string) map[string]Decimal {
	sums := SumBy(records, key, billingResult)
	out := make(map[string]Decimal, len(sums))
	for k, s := range sums {
		out[k] = s[0]
	}
	return out
}

func billingResult(r *BillingRecord) Decimal { return r.BillingResult }

// productDetail and day are the groupings the client's own forecast and budget use.
func productDetail(r *BillingRecord) string { return r.ProductDetail.Value() }
func day(r *BillingRecord) string           { return r.Date.String() }
