package guance

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

func TestSmallReadsPlainDecimalsAndSaysWhenTheyAreCanonical(t *testing.T) {
	cases := []struct {
		text            string
		mantissa        int64
		scale           int
		canonical, fast bool
	}{
		{"17211.88", 1721188, 2, true, true},
		{"12.50", 125, 1, false, true},
		{"0.5", 5, 1, true, true},
		{"-0.30", -3, 1, false, true},
		{"150", 150, 0, true, true},
		{"150.00", 150, 0, false, true},
		{"-0", 0, 0, false, true},
		{"1e3", 0, 0, false, false},
		{"1234567890123456789", 0, 0, false, false},
	}
	for _, c := range cases {
		d, err := ParseDecimal(c.text)
		if err != nil {
			t.Fatal(err)
		}
		m, s, canonical, ok := d.Small()
		if ok != c.fast || (ok && (m != c.mantissa || s != c.scale || canonical != c.canonical)) {
			t.Errorf("%s: got %d×10^-%d canonical=%v ok=%v", c.text, m, s, canonical, ok)
		}
	}
}

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
		want = want.Add(d.Exact())
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
