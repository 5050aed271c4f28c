package guance

import (
	"context"
	"fmt"
	"net/url"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
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
	return c.cache.do(ctx, period, func(ctx context.Context) (*BillingDetails, error) {
		return c.fetchBillingDetails(ctx, period)
	})
}

func (c *Client) fetchBillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	query := url.Values{}
	query.Set("startDate", period.Start.Compact())
	query.Set("endDate", period.End.Compact())
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
	records := newRecordDecoder(scrub)
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

// Keeps reports whether the filter keeps r. A record without the filtered value is not kept.
func (f Filter) Keeps(r *BillingRecord) bool {
	return keeps(f.ProductDetails, r.ProductDetail) && keeps(f.Measurements, r.Measurement) &&
		keeps(f.WorkspaceUUIDs, r.WorkspaceUUID)
}

func keeps(set map[string]bool, t Text) bool {
	return len(set) == 0 || (!t.IsNull() && set[t.Value()])
}

// Select returns the records the filter keeps, in the API's order.
func (d *BillingDetails) Select(f Filter) []*BillingRecord {
	out := make([]*BillingRecord, 0, len(d.Records))
	for i := range d.Records {
		if f.Keeps(&d.Records[i]) {
			out = append(out, &d.Records[i])
		}
	}
	return out
}

// Totals are exact sums of billingResult (and of originAmount) over a set of records. Null
// amounts count as zero; records without the grouping value are summed under "".
type Totals struct {
	BillingResult decimal.Decimal
	OriginAmount  decimal.Decimal
	ByProduct     map[string]decimal.Decimal // by productDetail
	ByDate        map[string]decimal.Decimal // by day, YYYY-MM-DD
	ByMeasurement map[string]decimal.Decimal // by measurement (tag6 or billingKey)
}

// Sum totals the records exactly.
func Sum(records []*BillingRecord) Totals {
	var billed, origin amount
	byProduct, byDate, byMeasurement := amounts{}, amounts{}, amounts{}
	days := map[Date]string{}
	for _, r := range records {
		billed.add(r.BillingResult)
		origin.add(r.OriginAmount)
		byProduct.add(r.ProductDetail.Value(), r.BillingResult)
		byMeasurement.add(r.Measurement.Value(), r.BillingResult)
		day, ok := days[r.Date]
		if !ok {
			day = r.Date.String()
			days[r.Date] = day
		}
		byDate.add(day, r.BillingResult)
	}
	return Totals{
		BillingResult: billed.value(), OriginAmount: origin.value(),
		ByProduct: byProduct.values(), ByDate: byDate.values(), ByMeasurement: byMeasurement.values(),
	}
}
