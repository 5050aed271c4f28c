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

// Totals are exact sums of billingResult (and of originAmount) over a set of records. Null
// amounts count as zero; records without the grouping value are summed under "".
type Totals struct {
	BillingResult Decimal
	OriginAmount  Decimal
	ByProduct     map[string]Decimal // by productDetail
	ByDate        map[string]Decimal // by day, YYYY-MM-DD
	ByMonth       map[string]Decimal // by calendar month, YYYY-MM
	ByMeasurement map[string]Decimal // by measurement (tag6 or billingKey)
	// Products holds every amount summed per productDetail; ByProduct is its billing results.
	Products map[string]ProductTotals
}

// ProductTotals are the exact sums of one product's records.
type ProductTotals struct {
	BillingResult   Decimal
	OriginAmount    Decimal
	DeductionAmount Decimal
	Count           Decimal
}

// productSums accumulates ProductTotals.
type productSums struct{ billed, origin, deduction, count amount }

// Sum totals the records exactly.
func Sum(records []*BillingRecord) Totals {
	var billed, origin amount
	byDate, byMonth, byMeasurement := amounts{}, amounts{}, amounts{}
	products := map[string]*productSums{}
	days := map[Date][2]string{} // each day's YYYY-MM-DD and YYYY-MM, formatted once
	for _, r := range records {
		billed.add(r.BillingResult)
		origin.add(r.OriginAmount)
		p, ok := products[r.ProductDetail.Value()]
		if !ok {
			p = &productSums{}
			products[r.ProductDetail.Value()] = p
		}
		p.billed.add(r.BillingResult)
		p.origin.add(r.OriginAmount)
		p.deduction.add(r.DeductionAmount)
		p.count.add(r.Count)
		byMeasurement.add(r.Measurement.Value(), r.BillingResult)
		keys, ok := days[r.Date]
		if !ok {
			day := r.Date.String()
			keys = [2]string{day, day[:len(day)-len("-DD")]}
			days[r.Date] = keys
		}
		byDate.add(keys[0], r.BillingResult)
		byMonth.add(keys[1], r.BillingResult)
	}
	t := Totals{
		BillingResult: billed.total(), OriginAmount: origin.total(),
		ByProduct: make(map[string]Decimal, len(products)), Products: make(map[string]ProductTotals, len(products)),
		ByDate: byDate.totals(), ByMonth: byMonth.totals(), ByMeasurement: byMeasurement.totals(),
	}
	for name, p := range products {
		t.Products[name] = ProductTotals{
			BillingResult: p.billed.total(), OriginAmount: p.origin.total(),
			DeductionAmount: p.deduction.total(), Count: p.count.total(),
		}
		t.ByProduct[name] = t.Products[name].BillingResult
	}
	return t
}
