// Package tfmsgpack writes Terraform values straight to msgpack, the wire form of the plugin
// protocol, byte for byte as terraform-plugin-go's tftypes marshals the same value: object
// attributes in name order, the same encodings of numbers. It knows strings, nulls, numbers
// given as decimal text, lists and objects, and nothing of what they mean. It exists for
// speed: see internal/provider/fastread.go, its one user.
package tfmsgpack

import (
	"bytes"
	"math"
	"math/big"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/guance-finops/terraform-provider-guance/internal/decimaltext"
)

// NumberPrecision is the precision Terraform itself gives numbers, so a number written from
// decimal text is the value Terraform would have parsed from the same text.
const NumberPrecision = 512

// ParseNumber parses decimal text as Terraform does.
func ParseNumber(text string) (*big.Float, error) {
	f, _, err := big.ParseFloat(text, 10, NumberPrecision, big.ToNearestEven)
	return f, err
}

// Writer writes one value. Its methods record the first error, and Bytes returns it.
type Writer struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error // the first error; later writes are skipped
}

// NewWriter is a writer whose buffer starts at sizeHint bytes.
func NewWriter(sizeHint int) *Writer {
	w := &Writer{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf) // bytes.Buffer is written directly, unbuffered
	return w
}

// Bytes is the finished value, or the first error.
func (w *Writer) Bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

// keepFirst records err when it is the first.
func (w *Writer) keepFirst(err error) {
	if w.err == nil {
		w.err = err
	}
}

// ObjectHeader starts an object or a map of n entries; the caller writes them in key order.
func (w *Writer) ObjectHeader(n int) { w.keepFirst(w.enc.EncodeMapLen(n)) }

// ArrayHeader starts a list of n elements.
func (w *Writer) ArrayHeader(n int) { w.keepFirst(w.enc.EncodeArrayLen(n)) }

// Null writes a null.
func (w *Writer) Null() { w.keepFirst(w.enc.EncodeNil()) }

// String writes a string.
func (w *Writer) String(s string) { w.keepFirst(w.enc.EncodeString(s)) }

// Raw appends an already encoded value.
func (w *Writer) Raw(b []byte) { _, _ = w.buf.Write(b) }

// StringList writes a list(string).
func (w *Writer) StringList(values []string) {
	w.ArrayHeader(len(values))
	for _, v := range values {
		w.String(v)
	}
}

// Number writes the number Terraform parses from decimal text as tftypes writes its
// *big.Float: an integer as an int, a value float64 holds exactly as a float64, anything else
// as its shortest exact decimal text. Plain decimals of up to 18 digits, which is every amount
// the Guance API sends, take a fast path without big.Float.
func (w *Writer) Number(text string) {
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
		w.String(text)
	default:
		w.String(fractionText(f.Units, f.Scale))
	}
}

// bigNumber is the general case, with tftypes' own rules.
func (w *Writer) bigNumber(text string) {
	f, err := ParseNumber(text)
	if err != nil {
		w.keepFirst(err)
		return
	}
	if i, acc := f.Int64(); acc == big.Exact {
		w.keepFirst(w.enc.EncodeInt(i))
	} else if fv, acc := f.Float64(); acc == big.Exact && !f.IsInt() {
		w.keepFirst(w.enc.EncodeFloat64(fv))
	} else {
		w.String(f.Text('f', -1))
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
