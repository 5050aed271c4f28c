package guance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// benchSizes are periods of 2023 that hold about 1k, 10k and 100k records.
var benchSizes = []struct {
	name          string
	recordsPerDay int
	days          int
}{
	{"1k", 28, 36},
	{"10k", 137, 73},
	{"100k", 274, 365},
}

func benchPeriod(days int) Period {
	start := Date{2023, time.January, 1}
	return Period{Start: start, End: start.AddDays(days - 1)}
}

// BenchmarkReadPath is what the provider does per read: fetch from the simulator, decode,
// check and total the records. Each iteration uses a new client, so nothing is cached.
func BenchmarkReadPath(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: size.recordsPerDay})
			defer sim.Close()
			period := benchPeriod(size.days)
			b.ReportAllocs()
			for b.Loop() {
				c, err := New(Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
				if err != nil {
					b.Fatal(err)
				}
				d, err := c.BillingDetails(context.Background(), period)
				if err != nil {
					b.Fatal(err)
				}
				_ = SumBy(d.Select(Filter{}), productDetail, billingResult, originAmount)
			}
		})
	}
}

// floorRecord is the plainest Go struct the answer decodes into with encoding/json: text
// fields as strings, fields that mix numbers and "None" as json.Number-or-string values.
type floorRecord struct {
	ConsumeTimeOfDay, OrgName, ProductName, ProductDetail, BillingCycle                         string
	BillingResult, DeductionAmount, OweAmount, OriginAmount, ServiceBillingAmount, CouponAmount any
	StoredCardAmount, CashAmount, CashCouldAmount                                               any
	CommodityCategory, ConsumePlatform, CustomerIdentifier, Consumption                         string
	WorkspaceUUID                                                                               string `json:"workspaceUuid"`
	WorkspaceName, ConsumeTime, Tag6, BillingKey, BillingResultDetails                          string
	Count                                                                                       any
}

// BenchmarkEncodingJSONFloor fetches the same answer and merely decodes it with
// encoding/json into Go structs: the floor the read path is measured against.
func BenchmarkEncodingJSONFloor(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: size.recordsPerDay})
			defer sim.Close()
			period := benchPeriod(size.days)
			url := fmt.Sprintf("%s%s?startDate=%s&endDate=%s", sim.URL(), BillingDetailsPath, period.Start.compact(), period.End.compact())
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
				req.Header.Set(TokenHeader, guancesim.DefaultToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var env struct {
					Content []floorRecord `json:"content"`
				}
				dec := json.NewDecoder(resp.Body)
				dec.UseNumber()
				err = dec.Decode(&env)
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if err != nil || len(env.Content) == 0 {
					b.Fatal(err, len(env.Content))
				}
			}
		})
	}
}

// BenchmarkLongPeriod compares reading a year in one request with reading its twelve months
// concurrently and merging them, against a simulator that answers after a fixed latency plus
// a time per day of the period, the shape of a server whose query grows with the period.
func BenchmarkLongPeriod(b *testing.B) {
	year := Period{Start: Date{2023, time.January, 1}, End: Date{2023, time.December, 31}}
	for _, latency := range []struct {
		name          string
		fixed, perDay time.Duration
	}{{"fixed300ms", 300 * time.Millisecond, 0}, {"fixed300ms+2ms/day", 300 * time.Millisecond, 2 * time.Millisecond}, {"fixed300ms+10ms/day", 300 * time.Millisecond, 10 * time.Millisecond}} {
		sim := guancesim.NewServer(guancesim.Options{RecordsPerDay: 100, Latency: latency.fixed, LatencyPerDay: latency.perDay})
		newClient := func() *Client {
			c, err := New(Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
			if err != nil {
				b.Fatal(err)
			}
			return c
		}
		b.Run(latency.name+"/one-request", func(b *testing.B) {
			for b.Loop() {
				if _, err := newClient().BillingDetails(context.Background(), year); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(latency.name+"/month-windows", func(b *testing.B) {
			for b.Loop() {
				c := newClient()
				months := make([]*BillingDetails, 12)
				errs := make(chan error, 12)
				for m := range 12 {
					go func() {
						start := Date{2023, time.Month(m + 1), 1}
						end := DateOf(start.Time().AddDate(0, 1, -1))
						d, err := c.BillingDetails(context.Background(), Period{Start: start, End: end})
						months[m] = d
						errs <- err
					}()
				}
				for range 12 {
					if err := <-errs; err != nil {
						b.Fatal(err)
					}
				}
				merged := &BillingDetails{Period: year}
				for _, d := range months {
					merged.Records = append(merged.Records, d.Records...)
				}
			}
		})
		sim.Close()
	}
}
