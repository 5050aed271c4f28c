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
	// Warnings are facts worth telling the user that do not make the answer wrong, such as
	// records dated outside the requested period.
	Warnings []string
}

// BillingDetails reads every billing record of the period. The answer is complete or an error:
// never a partial list.
func (c *Client) BillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	return c.cache.do(period, func() (*BillingDetails, error) {
		return c.fetchBillingDetails(ctx, period)
	})
}

func (c *Client) fetchBillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	query := url.Values{}
	query.Set("startDate", period.Start.Compact())
	query.Set("endDate", period.End.Compact())
	var out *BillingDetails
	traceID, err := c.get(ctx, BillingDetailsPath, query, func() contentDecoder {
		out = &BillingDetails{Period: period}
		return out.decodeRecords
	})
	if err != nil {
		return nil, err
	}
	out.TraceID = traceID
	for i, r := range out.Records {
		if !period.Contains(r.Date) {
			out.Warnings = append(out.Warnings, fmt.Sprintf(
				"billing record %d (productDetail %q) is dated %s, outside the requested period %s; it is included as the API sent it",
				i+1, r.ProductDetail.Value(), r.Date, period))
		}
	}
	return out, nil
}

// decodeRecords reads the content of a billing answer into d.Records.
func (d *BillingDetails) decodeRecords(dec *jsontext.Decoder) error {
	records := newRecordDecoder()
	return decodeList(dec, func(dec *jsontext.Decoder) error {
		r, err := records.record(dec, len(d.Records)+1)
		if err != nil {
			return err
		}
		d.Records = append(d.Records, r)
		return nil
	})
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
	t := Totals{
		ByProduct: map[string]decimal.Decimal{}, ByDate: map[string]decimal.Decimal{}, ByMeasurement: map[string]decimal.Decimal{},
	}
	dates := map[Date]string{}
	for _, r := range records {
		billed := r.BillingResult.Exact()
		t.BillingResult = t.BillingResult.Add(billed)
		t.OriginAmount = t.OriginAmount.Add(r.OriginAmount.Exact())
		addTo(t.ByProduct, r.ProductDetail.Value(), billed)
		addTo(t.ByMeasurement, r.Measurement.Value(), billed)
		day, ok := dates[r.Date]
		if !ok {
			day = r.Date.String()
			dates[r.Date] = day
		}
		addTo(t.ByDate, day, billed)
	}
	return t
}

func addTo(sums map[string]decimal.Decimal, key string, v decimal.Decimal) {
	sums[key] = sums[key].Add(v)
}
