package tfstate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// tftypesNumber is how terraform-plugin-go marshals the number Terraform parses from text.
func tftypesNumber(t *testing.T, text string) []byte {
	t.Helper()
	n, err := parseNumber(text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tfprotov6.NewDynamicValue(tftypes.Number, tftypes.NewValue(tftypes.Number, n))
	if err != nil {
		t.Fatal(err)
	}
	return b.MsgPack
}

func TestNumbersAreWrittenExactlyAsTftypesWritesThem(t *testing.T) {
	t.Parallel()
	texts := []string{
		"0", "-0", "0.0", "-0.0", "-0.50", "0.10", "10.0", "100", "-100.010", "1", "-1", "127", "128", "255", "256", "-32", "-33", "65536", "4294967296",
		"17211.88", "12.50", "1648.524", "0.5", "-0.5", "122.25", "0.125", "0.1", "0.3", "-0.3", "0.0003",
		"3291.5803", "24981.80", "9007199254740993", "9007199254740992.5", "999999999999999999",
		"1000000000000000000", "12345678901234567890.123", "1e3", "1.5E-2", "-2.5e+10", "100.000", "0.000001",
		"123456789.123456789", "1e100", "2.5E-100", "-7e-100", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		whole := rnd.Int64N(1_000_000_000)
		frac := rnd.IntN(5)
		text := fmt.Sprint(whole)
		if frac > 0 {
			text += fmt.Sprintf(".%0*d", frac, rnd.IntN(pow10(frac)))
		}
		if rnd.IntN(4) == 0 {
			text = "-" + text
		}
		texts = append(texts, text)
	}
	for _, text := range texts {
		w := newWriter(16)
		w.number(text)
		got, err := w.bytes()
		if err != nil {
			t.Fatal(err)
		}
		if want := tftypesNumber(t, text); !bytes.Equal(got, want) {
			t.Errorf("%s: wrote % x, tftypes writes % x", text, got, want)
		}
	}
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}
