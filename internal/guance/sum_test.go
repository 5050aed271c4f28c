package guance

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

// Sums leave the int64 fast path when they would overflow it, and stay exact.
func TestAmountSumsExactlyPastInt64(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var fast amount
	want := decimal.Zero
	add := func(text string) {
		d, err := ParseDecimal(text)
		if err != nil {
			t.Fatal(err)
		}
		fast.add(d)
		want = want.Add(d.exact())
	}
	for range 2000 {
		add(strconv.FormatInt(rnd.Int64N(1e17), 10) + "." + strconv.Itoa(rnd.IntN(10000)))
	}
	add("-0.000000000001")
	add("1e-20")
	if fast.big == nil {
		t.Fatal("the test meant to overflow the int64 path did not")
	}
	if got := fast.value(); !got.Equal(want) {
		t.Errorf("sum %s, want %s", got, want)
	}
	var small amount
	for _, text := range []string{"0.1", "0.2", "-0.3", "24981.79", "0.01"} {
		d, _ := ParseDecimal(text)
		small.add(d)
	}
	if small.big != nil || small.value().String() != "24981.8" {
		t.Errorf("small sum %s (big %v)", small.value(), small.big != nil)
	}
}
