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

// Totals are exact sums over a set of records. Null amounts count as zero.
type Totals struct {
	BillingResult decimal.Decimal
	OriginAmount  decimal.Decimal
	// ByProduct sums billingResult per productDetail; records without one are summed under "".
	ByProduct map[string]decimal.Decimal
}

// Totals sums the records exactly.
func (d *BillingDetails) Totals() Totals {
	t := Totals{BillingResult: decimal.Zero, OriginAmount: decimal.Zero, ByProduct: map[string]decimal.Decimal{}}
	for _, r := range d.Records {
		billed := r.BillingResult.Exact()
		t.BillingResult = t.BillingResult.Add(billed)
		t.OriginAmount = t.OriginAmount.Add(r.OriginAmount.Exact())
		key := r.ProductDetail.Value()
		t.ByProduct[key] = t.ByProduct[key].Add(billed)
	}
	return t
}
