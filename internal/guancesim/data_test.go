package guancesim

import (
	"encoding/json"
	"hash/fnv"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func marshal(t *testing.T, r Record) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGoldenDay(t *testing.T) {
	recs := Records(Options{}, date(2024, 3, 1), date(2024, 3, 1))
	if len(recs) != 8 {
		t.Fatalf("got %d records, want 8", len(recs))
	}
	wantLog := `{"consumeTimeOfDay":"2024-03-01","orgName":"None","productName":"dataFlux","productDetail":"Log","billingCycle":"Day","billingResult":"1648.52","deductionAmount":"None","oweAmount":"None","originAmount":1648.524,"serviceBillingAmount":"None","couponAmount":0,"storedCardAmount":0,"cashAmount":1648.52,"cashCouldAmount":"","commodityCategory":"pay-as-you-go","consumePlatform":"guance","customerIdentifier":"None","consumption":"None","workspaceUuid":"wksp_7f3c2a9e4b1d4c8e9a6b5d4c3b2a1f0e","workspaceName":"生产环境","consumeTime":"2024-03-01 23:59:59","billingKey":"logging","billingResultDetails":"None","count":137377}`
	wantReplay := `{"consumeTimeOfDay":"2024-03-01","orgName":"None","productName":"dataFlux","productDetail":"Session Replay","billingCycle":"Day","billingResult":122.20,"deductionAmount":"None","oweAmount":"None","originAmount":122.2,"serviceBillingAmount":"None","couponAmount":122.20,"storedCardAmount":0,"cashAmount":0,"cashCouldAmount":0,"commodityCategory":"pay-as-you-go","consumePlatform":"guance","customerIdentifier":"None","consumption":"None","workspaceUuid":"wksp_7f3c2a9e4b1d4c8e9a6b5d4c3b2a1f0e","workspaceName":"生产环境","consumeTime":"2024-03-01 23:59:59","billingKey":"session_replay","billingResultDetails":"None","count":1222}`
	if got := marshal(t, recs[0]); got != wantLog {
		t.Errorf("Log record:\n got %s\nwant %s", got, wantLog)
	}
	if got := marshal(t, recs[4]); got != wantReplay {
		t.Errorf("Session Replay record:\n got %s\nwant %s", got, wantReplay)
	}
	wantResults := []string{"1648.52", "151.29", "280.14", "674.70", "122.20", "99.90", "133.85", "180.98"}
	for i, r := range recs {
		if got := r.Text("billingResult"); got != wantResults[i] {
			t.Errorf("record %d (%s) billingResult = %s, want %s", i, r.Text("productDetail"), got, wantResults[i])
		}
	}
	if got := sumField(t, recs, "billingResult"); got != "3291.58" {
		t.Errorf("day total = %s, want 3291.58", got)
	}
	// Metric on an even day: null cashCouldAmount, "None" platform, 0 deductions.
	m := Records(Options{}, date(2024, 3, 2), date(2024, 3, 2))[1]
	for name, want := range map[string]string{"cashCouldAmount": "null", "consumePlatform": `"None"`, "deductionAmount": "0", "oweAmount": "0"} {
		if v, _ := m.Get(name); string(v) != want {
			t.Errorf("Metric 2024-03-02 %s = %s, want %s", name, v, want)
		}
	}
}

func TestGoldenMonth(t *testing.T) {
	recs := Records(Options{}, date(2024, 3, 1), date(2024, 3, 31))
	if len(recs) != 248 {
		t.Fatalf("got %d records, want 248", len(recs))
	}
	if got := sumField(t, recs, "billingResult"); got != "80527.1" {
		t.Errorf("March 2024 billingResult total = %s", got)
	}
	if got := sumField(t, recs, "originAmount"); got != "80527.0773" {
		t.Errorf("March 2024 originAmount total = %s", got)
	}
}

// sumField adds a decimal field of all records exactly, as text.
func sumField(t *testing.T, recs []Record, name string) string {
	t.Helper()
	sum := new(big.Rat)
	for _, r := range recs {
		v, ok := new(big.Rat).SetString(r.Text(name))
		if !ok {
			t.Fatalf("%s %q is not a number", name, r.Text(name))
		}
		sum.Add(sum, v)
	}
	s := sum.FloatString(4)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// TestRules checks every regular record against the documented rules,
// recomputed independently with hash/fnv and math/big.
func TestRules(t *testing.T) {
	prices := map[string]string{
		"Log": "0.012", "Metric": "0.0006", "APM Trace": "0.02", "RUM PV": "0.007",
		"Session Replay": "0.1", "Synthetic Test": "0.0003", "Security Check": "0.0004",
		"Data Forward": "0.0009", "Custom Item 0009": "0.001", "Custom Item 0010": "0.001",
	}
	opts := Options{RecordsPerDay: 10}
	recs := Records(opts, date(2023, 12, 30), date(2024, 1, 2))
	if len(recs) != 40 {
		t.Fatalf("got %d records, want 40", len(recs))
	}
	for i, r := range recs {
		idx := i % 10
		day := r.Text("consumeTimeOfDay")
		detail := r.Text("productDetail")
		h := fnv.New64a()
		h.Write([]byte(day + "|" + strconv.Itoa(idx)))
		it := itemsFor(10)[idx]
		wantCount := it.minCount + int64(h.Sum64()%uint64(it.maxCount-it.minCount+1))
		if got := r.Text("count"); got != strconv.FormatInt(wantCount, 10) {
			t.Errorf("%s %s count = %s, want %d", day, detail, got, wantCount)
		}
		price, _ := new(big.Rat).SetString(prices[detail])
		origin := new(big.Rat).Mul(price, new(big.Rat).SetInt64(wantCount))
		if got, _ := new(big.Rat).SetString(r.Text("originAmount")); got.Cmp(origin) != 0 {
			t.Errorf("%s %s originAmount = %s, want %s", day, detail, r.Text("originAmount"), origin.FloatString(4))
		}
		// half-up to cents: floor(origin*100 + 1/2) / 100
		c := new(big.Rat).Add(new(big.Rat).Mul(origin, big.NewRat(100, 1)), big.NewRat(1, 2))
		cents := new(big.Int).Quo(c.Num(), c.Denom())
		want := new(big.Rat).SetFrac(cents, big.NewInt(100)).FloatString(2)
		want = strings.TrimSuffix(want, ".00")
		if got := r.Text("billingResult"); got != want {
			t.Errorf("%s %s billingResult = %s, want %s", day, detail, got, want)
		}
		br, _ := r.Get("billingResult")
		if (detail == "Log") != (br[0] == '"') {
			t.Errorf("%s %s billingResult JSON = %s", day, detail, br)
		}
		if detail == "Session Replay" {
			if r.Text("couponAmount") != want || r.Text("cashAmount") != "0" {
				t.Errorf("Session Replay coupon/cash = %s/%s", r.Text("couponAmount"), r.Text("cashAmount"))
			}
		} else if r.Text("cashAmount") != want || r.Text("couponAmount") != "0" {
			t.Errorf("%s cash/coupon = %s/%s", detail, r.Text("cashAmount"), r.Text("couponAmount"))
		}
		odd := day[9]%2 == 1
		if v, _ := r.Get("deductionAmount"); (string(v) == `"None"`) != odd {
			t.Errorf("%s deductionAmount = %s", day, v)
		}
		_, tag6 := r.Get("tag6")
		_, bk := r.Get("billingKey")
		if tag6 == bk || tag6 != (day < "2024-01-01") {
			t.Errorf("%s tag6=%v billingKey=%v", day, tag6, bk)
		}
		if r.Text("tag6")+r.Text("billingKey") != it.measurement {
			t.Errorf("%s measurement = %q", detail, r.Text("tag6")+r.Text("billingKey"))
		}
		names := strings.Join(r.Names(), ",")
		wantNames := "consumeTimeOfDay,orgName,productName,productDetail,billingCycle,billingResult,deductionAmount,oweAmount,originAmount,serviceBillingAmount,couponAmount,storedCardAmount,cashAmount,cashCouldAmount,commodityCategory,consumePlatform,customerIdentifier,consumption,workspaceUuid,workspaceName,consumeTime,MEASUREMENT,billingResultDetails,count"
		wantNames = strings.Replace(wantNames, "MEASUREMENT", map[bool]string{true: "tag6", false: "billingKey"}[tag6], 1)
		if names != wantNames {
			t.Errorf("field order %s", names)
		}
	}
	if recs[8].Text("productDetail") != "Custom Item 0009" || recs[9].Text("tag6") != "custom_0010" {
		t.Errorf("synthetic items: %s / %s", recs[8].Text("productDetail"), recs[9].Text("tag6"))
	}
}

func TestExampleRecord(t *testing.T) {
	recs := Records(Options{}, date(2023, 7, 31), date(2023, 7, 31))
	if len(recs) != 9 {
		t.Fatalf("2023-07-31 has %d records, want 9", len(recs))
	}
	want := `{"consumeTimeOfDay":"2023-07-31","orgName":"None","productName":"None","productDetail":"Session Replay","billingCycle":"None","billingResult":0,"deductionAmount":"None","oweAmount":"None","originAmount":0,"serviceBillingAmount":"None","couponAmount":0,"storedCardAmount":0,"cashAmount":0,"cashCouldAmount":"None","commodityCategory":"None","consumePlatform":"None","customerIdentifier":"None","consumption":"None","workspaceUuid":"wksp_7f3c2a9e4b1d4c8e9a6b5d4c3b2a1f0e","workspaceName":"生产环境","consumeTime":"2023-07-31 23:59:59","tag6":"session_replay","billingResultDetails":"None","count":0}`
	if got := marshal(t, recs[0]); got != want {
		t.Errorf("example record:\n got %s\nwant %s", got, want)
	}
	if recs[1].Text("productDetail") != "Log" || recs[5].Text("productDetail") != "Session Replay" {
		t.Errorf("regular records do not follow the example")
	}
	for _, d := range []time.Time{date(2023, 7, 30), date(2023, 8, 1), date(2024, 7, 31)} {
		if n := len(Records(Options{}, d, d)); n != 8 {
			t.Errorf("%s has %d records, want 8", d.Format(time.DateOnly), n)
		}
	}
}

func TestRecordsBoundaries(t *testing.T) {
	if got := Records(Options{}, date(2022, 1, 1), date(2022, 12, 31)); got == nil || len(got) != 0 {
		t.Errorf("2022: %d records (nil %v), want empty", len(got), got == nil)
	}
	if got := Records(Options{}, date(2022, 12, 30), date(2023, 1, 1)); len(got) != 8 || got[0].Text("consumeTimeOfDay") != "2023-01-01" {
		t.Errorf("period across workspace creation: %d records", len(got))
	}
	if got := Records(Options{}, date(2023, 2, 1), date(2023, 1, 1)); len(got) != 0 {
		t.Errorf("reversed period: %d records", len(got))
	}
	// Only the calendar date counts, in the time's own location.
	tz := time.FixedZone("UTC+8", 8*3600)
	a := Records(Options{}, time.Date(2024, 3, 1, 23, 30, 0, 0, tz), time.Date(2024, 3, 1, 0, 0, 0, 0, tz))
	if len(a) != 8 || a[0].Text("consumeTimeOfDay") != "2024-03-01" {
		t.Errorf("zoned dates: %d records", len(a))
	}
	if n := len(Records(Options{RecordsPerDay: 3}, date(2024, 1, 1), date(2024, 1, 2))); n != 6 {
		t.Errorf("RecordsPerDay 3: %d records", n)
	}
	if n := len(Records(Options{RecordsPerDay: 274}, date(2023, 1, 1), date(2023, 12, 31))); n != 274*365+1 {
		t.Errorf("RecordsPerDay 274 over 2023: %d records", n)
	}
}

func TestAmountFormatting(t *testing.T) {
	cents := map[int64]string{0: "0", 5: "0.05", 50: "0.50", 100: "1", 1721188: "17211.88", 1721180: "17211.80", -250: "-2.50"}
	for v, want := range cents {
		if got := string(appendCents(nil, v)); got != want {
			t.Errorf("appendCents(%d) = %s, want %s", v, got, want)
		}
	}
	e4 := map[int64]string{0: "0", 17224512: "1722.4512", 864000: "86.4", 120000: "12", 1: "0.0001", 10: "0.001"}
	for v, want := range e4 {
		if got := string(appendE4(nil, v)); got != want {
			t.Errorf("appendE4(%d) = %s, want %s", v, got, want)
		}
	}
}

func TestRecordMarshalMatchesBody(t *testing.T) {
	body := periodContent(itemsFor(12), dayNumber(2023, 7, 30), dayNumber(2024, 1, 2))
	recs := Records(Options{RecordsPerDay: 12}, date(2023, 7, 30), date(2024, 1, 2))
	want, err := json.Marshal(recs)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != string(want) {
		t.Fatal("served content differs from Records")
	}
	if !json.Valid(body) {
		t.Fatal("invalid JSON")
	}
}

// BenchmarkGenerate100k measures generating the content of 274 records a day
// over 2023 (100,011 records, about 57 MB).
func BenchmarkGenerate100k(b *testing.B) {
	items := itemsFor(274)
	from, to := dayNumber(2023, 1, 1), dayNumber(2023, 12, 31)
	b.SetBytes(int64(len(periodContent(items, from, to))))
	b.ReportAllocs()
	for b.Loop() {
		periodContent(items, from, to)
	}
}

// Asked for several workspaces, the simulator bills the day's items to them in turn, with
// the same amounts as one workspace; by default every record is the one workspace's.
func TestRecordsAreBilledToSeveralWorkspacesWhenAsked(t *testing.T) {
	day := time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC)
	one, three := Records(Options{}, day, day), Records(Options{Workspaces: 3}, day, day)
	ids := WorkspaceUUIDs(3)
	if len(ids) != 3 || ids[0] != WorkspaceUUID || ids[1] == ids[2] {
		t.Fatalf("workspace IDs %v", ids)
	}
	if len(one) != len(three) || len(one) != len(catalogue) {
		t.Fatalf("%d and %d records, want %d each", len(one), len(three), len(catalogue))
	}
	for i := range three {
		if got := one[i].Text("workspaceUuid"); got != WorkspaceUUID {
			t.Errorf("record %d of one workspace is billed to %s", i, got)
		}
		if got, want := three[i].Text("workspaceUuid"), ids[i%3]; got != want {
			t.Errorf("record %d is billed to %s, want %s", i, got, want)
		}
		if three[i].Text("billingResult") != one[i].Text("billingResult") {
			t.Errorf("record %d costs %s in three workspaces, %s in one", i, three[i].Text("billingResult"), one[i].Text("billingResult"))
		}
	}
	if name := three[1].Text("workspaceName"); name == WorkspaceName || name == "" {
		t.Errorf("the second workspace is named %q", name)
	}
}
