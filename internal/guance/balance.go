package guance

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// BalancePath is the endpoint for what the account has left to pay with.
const BalancePath = "/api/v1/billing/balance/get"

// Balance is the account's balances as the API reports them; any may be null ("None").
type Balance struct {
	Cash       Decimal // cashBalance
	Coupon     Decimal // couponBalance
	StoredCard Decimal // storedCardBalance
	TraceID    string
	Pacing     Pacing
}

// Total is the exact sum of the balances; null ones count as zero.
func (b *Balance) Total() Decimal {
	return decimalOf(b.Cash.exact().Add(b.Coupon.exact()).Add(b.StoredCard.exact()))
}

// BillingBalance reads the account's balances. Every read of one client shares the first
// successful answer: a plan sees one balance however many data sources read it, and spends
// one request of the API's 20 a minute on it.
func (c *Client) BillingBalance(ctx context.Context) (*Balance, error) {
	if c.recording != nil {
		return c.balance.read(ctx, BalancePath, c.recordedBalance)
	}
	return c.balance.read(ctx, BalancePath, c.fetchBalance)
}

func (c *Client) fetchBalance(ctx context.Context) (*Balance, error) {
	var out *Balance
	got, err := c.get(ctx, BalancePath, nil, func(int64) contentDecoder {
		out = &Balance{}
		return out.decode(c.scrub)
	})
	if err != nil {
		return nil, err
	}
	out.TraceID, out.Pacing = got.traceID, got.pacing
	return out, nil
}

// balanceFields are the API's names for the balances, in the order messages list them.
var balanceFields = []string{"cashBalance", "couponBalance", "storedCardBalance"}

// decode reads the balance object. A balance may be a number, a numeric string, or absent
// ("None", "", null, or left out); anything else is refused with the field and value named.
// An object with none of the balances is not a balance answer at all.
func (b *Balance) decode(scrub *scrubber) contentDecoder {
	return func(dec *jsontext.Decoder) error { return b.decodeWith(dec, newFieldDecoder(scrub)) }
}

func (b *Balance) decodeWith(dec *jsontext.Decoder, values *fieldDecoder) error {
	found := 0
	var bad error
	err := decodeObject(dec, "an object with "+strings.Join(balanceFields, ", "), func(name string, dec *jsontext.Decoder) error {
		into := b.field(name)
		if into == nil {
			return dec.SkipValue() // declaration and anything newer
		}
		found++
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		number, badText, err := values.number(v)
		if badText != "" && bad == nil {
			bad = &contentError{fmt.Sprintf("%s is %q, %s", name, badText, notAnAmount(badText))}
		}
		*into = number
		return err
	})
	switch {
	case err != nil:
		return err
	case bad != nil:
		return bad
	case found == 0:
		return &contentError{"content has none of " + strings.Join(balanceFields, ", ") + "; it is not a balance"}
	}
	return nil
}

// field says where the API field name goes; nil for fields the provider does not expose.
func (b *Balance) field(name string) *Decimal {
	switch name {
	case "cashBalance":
		return &b.Cash
	case "couponBalance":
		return &b.Coupon
	case "storedCardBalance":
		return &b.StoredCard
	}
	return nil
}
