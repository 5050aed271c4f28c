package guance

import (
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

func TestSumGroupsExactlyByProductDateAndMeasurement(t *testing.T) {
	d := &BillingDetails{Records: []BillingRecord{
		testRecord(1, "Log", "logging", "w1", "0.1"),
		testRecord(1, "Log", "logging", "w1", "0.2"),
		testRecord(2, "Metric", "", "w1", "24981.79"),
		testRecord(2, "Log", "logging", "w2", "0.01"),
	}}
	got := Sum(d.Select(Filter{}))
	want := map[string]string{
		"total": "24982.1", "Log": "0.31", "Metric": "24981.79",
		"2024-03-01": "0.3", "2024-03-02": "24981.8", "logging": "0.31", "no measurement": "24981.79",
	}
	gotText := map[string]string{
		"total": got.BillingResult.String(), "Log": got.ByProduct["Log"].String(), "Metric": got.ByProduct["Metric"].String(),
		"2024-03-01": got.ByDate["2024-03-01"].String(), "2024-03-02": got.ByDate["2024-03-02"].String(),
		"logging": got.ByMeasurement["logging"].String(), "no measurement": got.ByMeasurement[""].String(),
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
		if got := Sum(d.Select(c.f)).BillingResult.String(); got != c.want {
			t.Errorf("%s: total %s, want %s", name, got, c.want)
		}
	}
}
