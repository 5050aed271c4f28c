package guance

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func testRecord(day int, product, measurement, workspace, billed string) BillingRecord {
	r := BillingRecord{Date: Date{2024, time.March, day}, ProductDetail: TextOf(product), WorkspaceUUID: TextOf(workspace)}
	if measurement != "" {
		r.Measurement = TextOf(measurement)
	}
	r.BillingResult, _ = ParseDecimal(billed)
	r.OriginAmount = r.BillingResult
	return r
}

func TestSumByGroupsExactlyByProductDateAndMeasurement(t *testing.T) {
	d := &BillingDetails{Records: []BillingRecord{
		testRecord(1, "Log", "logging", "w1", "0.1"),
		testRecord(1, "Log", "logging", "w1", "0.2"),
		testRecord(2, "Metric", "", "w1", "24981.79"),
		testRecord(2, "Log", "logging", "w2", "0.01"),
	}}
	records := d.Select(Filter{})
	byProduct, byDate := BillingResultBy(records, productDetail), BillingResultBy(records, day)
	byMeasurement := BillingResultBy(records, func(r *BillingRecord) string { return r.Measurement.Value() })
	want := map[string]string{
		"total": "24982.1", "Log": "0.31", "Metric": "24981.79",
		"2024-03-01": "0.3", "2024-03-02": "24981.8", "logging": "0.31", "no measurement": "24981.79",
	}
	gotText := map[string]string{
		"total": Total(records, billingResult).String(), "Log": byProduct["Log"].String(), "Metric": byProduct["Metric"].String(),
		"2024-03-01": byDate["2024-03-01"].String(), "2024-03-02": byDate["2024-03-02"].String(),
		"logging": byMeasurement["logging"].String(), "no measurement": byMeasurement[""].String(),
	}
	for k, w := range want {
		if gotText[k] != w {
			t.Errorf("%s: got %s, want exactly %s", k, gotText[k], w)
		}
	}
}

func TestFilterKeepsRecordsMatchingEverySet(t *testing.T) {
	d := &BillingDetails{Records: []BillingRecord{
		testRecord(1, "Log", "logging", "w1", "1"),
		testRecord(1, "Metric", "", "w1", "2"),
		testRecord(1, "Log", "logging", "w2", "4"),
	}}
	cases := map[string]struct {
		f    Filter
		want string
	}{
		"no filter":                   {Filter{}, "7"},
		"by product":                  {Filter{ProductDetails: map[string]bool{"Log": true}}, "5"},
		"by product and workspace":    {Filter{ProductDetails: map[string]bool{"Log": true}, WorkspaceUUIDs: map[string]bool{"w2": true}}, "4"},
		"null measurement never kept": {Filter{Measurements: map[string]bool{"logging": true, "": true}}, "5"},
		"nothing matches":             {Filter{ProductDetails: map[string]bool{"APM": true}}, "0"},
	}
	for name, c := range cases {
		if got := Total(d.Select(c.f), billingResult).String(); got != c.want {
			t.Errorf("%s: total %s, want %s", name, got, c.want)
		}
	}
}

// Months are calendar months of the records' days, across a year boundary too; a product's
// every amount is summed, a null deduction counting as 0.
func TestSumByGroupsByMonthAndSumsEveryAmountPerProduct(t *testing.T) {
	dec := func(s string) Decimal { d, _ := ParseDecimal(s); return d }
	rec := func(y int, m time.Month, d int, product, billed, origin, deduction, count string) BillingRecord {
		return BillingRecord{Date: Date{y, m, d}, ProductDetail: TextOf(product), BillingResult: dec(billed),
			OriginAmount: dec(origin), DeductionAmount: dec(deduction), Count: dec(count)}
	}
	records := (&BillingDetails{Records: []BillingRecord{
		rec(2023, time.December, 31, "Log", "0.1", "0.1234", "", "10"),
		rec(2024, time.January, 1, "Log", "0.2", "0.2", "0.05", "5"),
		rec(2024, time.January, 31, "Metric", "7", "7.5", "0.5", "1000000000000000000000"),
		rec(2024, time.January, 31, "", "1", "1", "0", ""),
	}}).Select(Filter{})
	months := map[string]string{}
	for k, v := range BillingResultBy(records, func(r *BillingRecord) string { return r.Date.String()[:len("YYYY-MM")] }) {
		months[k] = v.String()
	}
	if want := map[string]string{"2023-12": "0.1", "2024-01": "8.2"}; !maps.Equal(months, want) {
		t.Errorf("by month %v, want %v", months, want)
	}
	products := map[string][4]string{}
	for k, p := range SumBy(records, productDetail, billingResult, originAmount,
		func(r *BillingRecord) Decimal { return r.DeductionAmount }, func(r *BillingRecord) Decimal { return r.Count }) {
		products[k] = [4]string{p[0].String(), p[1].String(), p[2].String(), p[3].String()}
	}
	want := map[string][4]string{
		"Log":    {"0.3", "0.3234", "0.05", "15"},
		"Metric": {"7", "7.5", "0.5", "1000000000000000000000"},
		"":       {"1", "1", "0", "0"},
	}
	if !maps.Equal(products, want) {
		t.Errorf("products %v, want %v", products, want)
	}
	if byProduct := BillingResultBy(records, productDetail); byProduct["Log"].String() != "0.3" || len(byProduct) != 3 {
		t.Errorf("by product %v", byProduct)
	}
}

func TestBilledListsDistinctValuesSortedWithoutNulls(t *testing.T) {
	got := (&BillingDetails{Records: []BillingRecord{
		testRecord(1, "Metric", "", "w2", "1"),
		testRecord(1, "Log", "logging", "w1", "1"),
		testRecord(2, "Log", "logging", "w1", "1"),
		testRecord(2, "", "aaa", "", "1"),
	}}).Billed()
	if !slices.Equal(got.ProductDetails, []string{"Log", "Metric"}) || !slices.Equal(got.Measurements, []string{"aaa", "logging"}) ||
		!slices.Equal(got.WorkspaceUUIDs, []string{"w1", "w2"}) {
		t.Errorf("billed %+v", got)
	}
	if empty := (&BillingDetails{}).Billed(); empty.ProductDetails == nil || len(empty.ProductDetails) != 0 {
		t.Errorf("an empty answer bills %#v, want an empty list", empty.ProductDetails)
	}
}

func originAmount(r *BillingRecord) Decimal { return r.OriginAmount }

// An empty set of records sums to 0 and to no groups.
func TestSumByOfNoRecordsHasNoGroupsAndTotalsZero(t *testing.T) {
	if got := SumBy(nil, productDetail, billingResult); len(got) != 0 {
		t.Errorf("groups of nothing: %v", got)
	}
	if got := Total(nil, billingResult).String(); got != "0" {
		t.Errorf("total of nothing %s, want 0", got)
	}
}
