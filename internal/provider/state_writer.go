package provider

import (
	"bytes"
	"math"
	"math/big"
	"sort"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// stateWriter writes Terraform state straight to msgpack, the wire form of the plugin
// protocol, byte for byte as terraform-plugin-go's tftypes would marshal the same value
// (object attributes in name order, the same number encodings). It exists for speed: a read
// of 100k records skips building and walking a tree of 2 million framework values.
type stateWriter struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error // the first error; later writes are skipped
}

func newStateWriter(sizeHint int) *stateWriter {
	w := &stateWriter{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf) // bytes.Buffer is written directly, unbuffered
	return w
}

// bytes is the finished value, or the first error.
func (w *stateWriter) bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

func (w *stateWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

// objectHeader starts an object of n attributes; the caller writes them in name order.
func (w *stateWriter) objectHeader(n int) { w.do(w.enc.EncodeMapLen(n)) }

func (w *stateWriter) arrayHeader(n int) { w.do(w.enc.EncodeArrayLen(n)) }

func (w *stateWriter) null() { w.do(w.enc.EncodeNil()) }

func (w *stateWriter) str(s string) { w.do(w.enc.EncodeString(s)) }

// raw appends an already encoded value.
func (w *stateWriter) raw(b []byte) { _, _ = w.buf.Write(b) }

func (w *stateWriter) text(t guance.Text) {
	if t.IsNull() {
		w.null()
		return
	}
	w.str(t.Value())
}

func (w *stateWriter) decimal(d guance.Decimal) {
	if d.IsNull() {
		w.null()
		return
	}
	w.number(d)
}

// numberMap writes a map(number) with its keys sorted, so equal states are equal bytes.
func (w *stateWriter) numberMap(m map[string]decimal.Decimal) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.objectHeader(len(keys))
	for _, k := range keys {
		w.str(k)
		w.sum(m[k])
	}
}

// stringList writes a list(string).
func (w *stateWriter) stringList(values []string) {
	w.arrayHeader(len(values))
	for _, v := range values {
		w.str(v)
	}
}

// sum writes an exact total.
func (w *stateWriter) sum(d decimal.Decimal) {
	text := d.String()
	v, err := guance.ParseDecimal(text)
	if err != nil {
		w.do(err)
		return
	}
	w.number(v)
}

// number writes a decimal as tftypes writes the *big.Float Terraform parses from its text: an
// integer as an int, a value float64 holds exactly as a float64, anything else as its
// shortest exact decimal text. Plain decimals of up to 18 digits, which is every amount the
// API sends, take a fast path without big.Float.
func (w *stateWriter) number(d guance.Decimal) {
	mantissa, scale, canonical, ok := d.Small()
	switch {
	case !ok:
		w.bigNumber(d.String())
	case scale == 0:
		w.do(w.enc.EncodeInt(mantissa))
	case mantissa%pow5[scale] == 0 && absBelow(mantissa/pow5[scale], 1<<53):
		// mantissa/10^scale = (mantissa/5^scale)/2^scale: a binary fraction float64 holds.
		w.do(w.enc.EncodeFloat64(math.Ldexp(float64(mantissa/pow5[scale]), -scale)))
	case canonical:
		w.str(d.String())
	default:
		w.str(fractionText(mantissa, scale))
	}
}

// bigNumber is the general case, with tftypes' own rules.
func (w *stateWriter) bigNumber(text string) {
	f := exactNumber(text)
	if i, acc := f.Int64(); acc == big.Exact {
		w.do(w.enc.EncodeInt(i))
	} else if fv, acc := f.Float64(); acc == big.Exact && !f.IsInt() {
		w.do(w.enc.EncodeFloat64(fv))
	} else {
		w.str(f.Text('f', -1))
	}
}

var pow5 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 5
	}
	return p
}()

func absBelow(v, limit int64) bool { return v < limit && v > -limit }

// fractionText writes mantissa × 10^-scale (scale > 0) as plain decimal text, as big.Float's
// Text('f', -1) writes the value: no exponent, no trailing zeros, a 0 before the point.
func fractionText(mantissa int64, scale int) string {
	neg := mantissa < 0
	if neg {
		mantissa = -mantissa
	}
	digits := []byte(strconv.FormatInt(mantissa, 10))
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
