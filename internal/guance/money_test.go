package guance

import "testing"

func TestMoneyRoundsToCentsHalfAwayFromZeroWithThousandsAndTheCurrency(t *testing.T) {
	cases := []struct {
		amount   string
		currency Currency
		want     string
	}{
		{"0", "", "0.00"},
		{"1.005", "CNY", "1.01"},
		{"-1.005", "CNY", "-1.01"},
		{"1.004999", "", "1.00"},
		{"999.995", "", "1,000.00"},
		{"1234567.891", "USD", "1,234,567.89"},
		{"-12345.5", "", "-12,345.50"},
		{"100", "", "100.00"},
		{"1e3", "", "1,000.00"},
	}
	for _, c := range cases {
		got := c.currency.Money(mustDecimal(t, c.amount))
		want := c.want
		if c.currency != "" {
			want += " " + string(c.currency)
		}
		if got != want {
			t.Errorf("Money(%s, %q) = %q, want %q", c.amount, c.currency, got, want)
		}
	}
	if got := Currency("CNY").Money(Decimal{}); got != "none" {
		t.Errorf("a null amount is written %q, want none", got)
	}
}

func TestPercentsAndRatiosRoundToOneDecimalHalfAwayFromZero(t *testing.T) {
	for amount, want := range map[string]string{"80": "80.0%", "99.95": "100.0%", "-0.25": "-0.3%", "33.333333": "33.3%"} {
		if got := Percent(mustDecimal(t, amount)); got != want {
			t.Errorf("Percent(%s) = %q, want %q", amount, got, want)
		}
	}
	for amount, want := range map[string]string{"1.25": "1.3", "2": "2.0", "0.04": "0.0"} {
		if got := ratio(mustDecimal(t, amount)); got != want {
			t.Errorf("ratio(%s) = %q, want %q", amount, got, want)
		}
	}
	if Percent(Decimal{}) != "none" || ratio(Decimal{}) != "none" {
		t.Error("a null percent or ratio is not written none")
	}
}

func TestParseCurrencyTakesISOCodesOrNothing(t *testing.T) {
	for _, ok := range []string{"", "CNY", "USD"} {
		if _, err := ParseCurrency(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"cny", "RMB ", "¥", "EURO"} {
		if _, err := ParseCurrency(bad); err == nil {
			t.Errorf("%q was taken for a currency", bad)
		}
	}
}

func mustDecimal(t *testing.T, s string) Decimal {
	t.Helper()
	d, err := ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
