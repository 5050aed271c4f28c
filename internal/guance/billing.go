package guance

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// BillingDetailsPath is the endpoint for a workspace's billing records over a period.
const BillingDetailsPath = "/api/v1/billing/detail/list"

// BillingRecord is one line of the bill: one billed item on one day.
type BillingRecord struct {
	Date               Date // consumeTimeOfDay
	ProductName        Text
	ProductDetail      Text
	Measurement        Text // tag6 in older answers, billingKey in newer ones
	BillingCycle       Text
	BillingResult      Decimal
	OriginAmount       Decimal
	DeductionAmount    Decimal
	OweAmount          Decimal
	CouponAmount       Decimal
	StoredCardAmount   Decimal
	CashAmount         Decimal
	CloudMarketAmount  Decimal // cashCouldAmount, the API's spelling
	CommodityCategory  Text
	ConsumePlatform    Text
	CustomerIdentifier Text
	WorkspaceUUID      Text
	WorkspaceName      Text
	ConsumeTime        Text
	Count              Decimal
}

// BillingDetails is the whole answer for a period: every record, in the API's order.
type BillingDetails struct {
	Period  Period
	Records []BillingRecord
	TraceID string
	Pacing  Pacing
	// Warnings are facts worth telling the user that do not make the answer wrong, such as
	// records dated outside the requested period.
	Warnings []string
}

// BillingDetails reads every billing record of the period. The answer is complete or an error:
// never a partial list.
func (c *Client) BillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	return c.cache.read(ctx, period, func(ctx context.Context) (*BillingDetails, error) {
		if c.recording != nil {
			return c.recordedBillingDetails(ctx, period)
		}
		return c.fetchBillingDetails(ctx, period)
	})
}

func (c *Client) fetchBillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	query := url.Values{}
	query.Set("startDate", period.Start.compact())
	query.Set("endDate", period.End.compact())
	var out *BillingDetails
	got, err := c.get(ctx, BillingDetailsPath, query, func(bodySize int64) contentDecoder {
		out = &BillingDetails{Period: period, Records: make([]BillingRecord, 0, recordsIn(bodySize))}
		return out.decodeRecords(c.scrub)
	})
	if err != nil {
		return nil, err
	}
	out.TraceID, out.Pacing = got.traceID, got.pacing
	for i, r := range out.Records {
		if !period.Contains(r.Date) {
			out.Warnings = append(out.Warnings, fmt.Sprintf(
				"billing record %d (productDetail %q) is dated %s, outside the requested period %s; it is included as the API sent it",
				i+1, r.ProductDetail.Value(), r.Date, period))
		}
	}
	return out, nil
}

// recordsIn guesses how many records an answer of bodySize bytes holds, so that the records
// are not copied over and over as the list grows. A record takes 500 to 700 bytes.
func recordsIn(bodySize int64) int {
	const bytesPerRecord, most = 500, 1 << 20
	return int(min(max(bodySize/bytesPerRecord, 0), most))
}

// decodeRecords reads the content of a billing answer into d.Records.
func (d *BillingDetails) decodeRecords(scrub *scrubber) contentDecoder {
	records := newFieldDecoder(scrub)
	return func(dec *jsontext.Decoder) error {
		return decodeList(dec, func(dec *jsontext.Decoder) error {
			d.Records = append(d.Records, BillingRecord{})
			if err := records.record(dec, len(d.Records), &d.Records[len(d.Records)-1]); err != nil {
				d.Records = d.Records[:len(d.Records)-1]
				return err
			}
			return nil
		})
	}
}

// Filter keeps the records that match every non-empty set; an empty set keeps all.
type Filter struct {
	ProductDetails map[string]bool
	Measurements   map[string]bool
	WorkspaceUUIDs map[string]bool
}

// keeps reports whether the filter keeps r. A record without the filtered value is not kept.
func (f Filter) keeps(r *BillingRecord) bool {
	return admits(f.ProductDetails, r.ProductDetail) && admits(f.Measurements, r.Measurement) &&
		admits(f.WorkspaceUUIDs, r.WorkspaceUUID)
}

// admits reports whether a filter set lets t through: an empty set admits everything, a null
// value nothing else.
func admits(set map[string]bool, t Text) bool {
	return len(set) == 0 || (!t.IsNull() && set[t.Value()])
}

// Select returns the records the filter keeps, in the API's order.
func (d *BillingDetails) Select(f Filter) []*BillingRecord {
	out := make([]*BillingRecord, 0, len(d.Records))
	for i := range d.Records {
		if f.keeps(&d.Records[i]) {
			out = append(out, &d.Records[i])
		}
	}
	return out
}

// Billed lists the distinct values of each filterable field in the answer, sorted, before
// any filter: what a filter or a budget key can match.
type Billed struct {
	ProductDetails []string
	Measurements   []string
	WorkspaceUUIDs []string
}

// Billed is what the period billed; records without a value add nothing.
func (d *BillingDetails) Billed() Billed {
	products, measurements, workspaces := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range d.Records {
		r := &d.Records[i]
		products[r.ProductDetail.Value()] = true
		measurements[r.Measurement.Value()] = true
		workspaces[r.WorkspaceUUID.Value()] = true
	}
	return Billed{ProductDetails: sortedValues(products), Measurements: sortedValues(measurements), WorkspaceUUIDs: sortedValues(workspaces)}
}

func sortedValues(set map[string]bool) []string {
	delete(set, "") // null
	out := slices.AppendSeq(make([]string, 0, len(set)), maps.Keys(set))
	slices.Sort(out)
	return out
}
