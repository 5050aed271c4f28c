package tfstate

// The msgpack writer writes Values straight to msgpack, the wire form of the plugin protocol,
// byte for byte as terraform-plugin-go's tftypes marshals the same value: object attributes
// in name order, the same encodings of numbers.

import (
	"bytes"
	"math"
	"math/big"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/guance-finops/terraform-provider-guance/internal/decimaltext"
)

// numberPrecision is the precision Terraform itself gives numbers, so a number written from
// decimal text is the value Terraform would have parsed from the same text.
const numberPrecision = 512

// parseNumber parses decimal text as Terraform does.
func parseNumber(text string) (*big.Float, error) {
	f, _, err := big.ParseFloat(text, 10, numberPrecision, big.ToNearestEven)
	return f, err
}

// writer writes one value. Its methods record the first error, and bytes returns it.
type writer struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error // the first error; later writes are skipped
}

// newWriter is a writer whose buffer starts at sizeHint bytes.
func newWriter(sizeHint int) *writer {
	w := &writer{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf) // bytes.Buffer is written directly, unbuffered
	return w
}

// bytes is the finished value, or the first error.
func (w *writer) bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

// keepFirst records err when it is the first.
func (w *writer) keepFirst(err error) {
	if w.err == nil {
		w.err = err
	}
}

// objectHeader starts an object or a map of n entries; the caller writes them in key order.
func (w *writer) objectHeader(n int) { w.keepFirst(w.enc.EncodeMapLen(n)) }

// arrayHeader starts a list of n elements.
func (w *writer) arrayHeader(n int) { w.keepFirst(w.enc.EncodeArrayLen(n)) }

// null writes a null.
func (w *writer) null() { w.keepFirst(w.enc.EncodeNil()) }

// str writes a string.
func (w *writer) str(s string) { w.keepFirst(w.enc.EncodeString(s)) }

// raw appends an already encoded value.
func (w *writer) raw(b []byte) { _, _ = w.buf.Write(b) }

// number writes the number Terraform parses from decimal text as tftypes writes its
// *big.Float: an integer as an int, a value float64 holds exactly as a float64, anything else
// as its shortest exact decimal text. Plain decimals of up to 18 digits, which is every amount
// the Guance API sends, take a fast path without big.Float.
func (w *writer) number(text string) {
	f, ok := decimaltext.ParseFixed(text)
	switch {
	case !ok:
		w.bigNumber(text)
	case f.Scale == 0:
		w.keepFirst(w.enc.EncodeInt(f.Units))
	case f.Units%pow5[f.Scale] == 0 && absBelow(f.Units/pow5[f.Scale], 1<<53):
		// Units/10^Scale = (Units/5^Scale)/2^Scale: a binary fraction float64 holds.
		w.keepFirst(w.enc.EncodeFloat64(math.Ldexp(float64(f.Units/pow5[f.Scale]), -f.Scale)))
	case f.Canonical:
		w.str(text)
	default:
		w.str(fractionText(f.Units, f.Scale))
	}
}

// bigNumber is the general case, with tftypes' own rules.
func (w *writer) bigNumber(text string) {
	f, err := parseNumber(text)
	if err != nil {
		w.keepFirst(err)
		return
	}
	if i, acc := f.Int64(); acc == big.Exact {
		w.keepFirst(w.enc.EncodeInt(i))
	} else if fv, acc := f.Float64(); acc == big.Exact && !f.IsInt() {
		w.keepFirst(w.enc.EncodeFloat64(fv))
	} else {
		w.str(f.Text('f', -1))
	}
}

var pow5 = func() [decimaltext.MaxDigits + 1]int64 {
	var p [decimaltext.MaxDigits + 1]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 5
	}
	return p
}()

func absBelow(v, limit int64) bool { return v < limit && v > -limit }

// fractionText writes units × 10^-scale (scale > 0) as plain decimal text, as big.Float's
// Text('f', -1) writes the value: no exponent, no trailing zeros, a 0 before the point.
func fractionText(units int64, scale int) string {
	neg := units < 0
	if neg {
		units = -units
	}
	digits := []byte(strconv.FormatInt(units, 10))
	for len(digits) <= scale {
		digits = append([]byte{'0'}, digits...)
	}
	point := len(digits) - scale
	out := make([]byte, 0, len(digits)+2)
	if neg {
		out = append(out, '-')
	}
	out = append(out, digits[:point]...)
	out = append(out, '.')
	return string(append(out, digits[point:]...))
}
