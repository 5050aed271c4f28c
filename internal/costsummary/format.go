package costsummary

import (
	"html"
	"math/big"
	"strings"
)

// roundHalfAway rounds r to the given decimals, halves away from zero, as the provider's
// messages do.
func roundHalfAway(r *big.Rat, decimals int) *big.Int {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	num, den := scaled.Num(), scaled.Denom()
	q, rem := new(big.Int).QuoRem(new(big.Int).Abs(num), den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if num.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// fixed is r rounded to decimals, with thousands separators when grouped.
func fixed(r *big.Rat, decimals int, grouped bool) string {
	n := roundHalfAway(r, decimals)
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
		n.Neg(n)
	}
	digits := n.String()
	if len(digits) <= decimals {
		digits = strings.Repeat("0", decimals-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-decimals], digits[len(digits)-decimals:]
	if grouped {
		whole = group(whole)
	}
	if decimals == 0 {
		return sign + whole
	}
	return sign + whole + "." + frac
}

// group puts a comma between each three digits of a whole number.
func group(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// number formats amounts: rounded to 2 decimals with thousands separators, or exactly as
// Terraform wrote them.
type number struct {
	exact bool
	cur   Currency
}

// plain is the amount without the currency.
func (n number) plain(a Amount) string {
	if n.exact {
		return a.Text
	}
	return fixed(a.value, 2, true)
}

// money is the amount followed by the currency, or bare without one.
func (n number) money(a Amount) string {
	if n.cur == "" {
		return n.plain(a)
	}
	return n.plain(a) + " " + string(n.cur)
}

func (n number) optionalMoney(a *Amount) string {
	if a == nil {
		return "–"
	}
	return n.money(*a)
}

func (n number) optionalPlain(a *Amount) string {
	if a == nil {
		return "–"
	}
	return n.plain(*a)
}

// percentOf is part/whole in percent to 1 decimal, computed exactly; "–" for a whole of 0.
func percentOf(part, whole *big.Rat) string {
	if whole.Sign() == 0 {
		return "–"
	}
	p := new(big.Rat).Quo(part, whole)
	return fixed(p.Mul(p, big.NewRat(100, 1)), 1, true) + "%"
}

// percentText shows a percentage the provider computed, to 1 decimal; "–" when null.
func percentText(a *Amount) string {
	if a == nil {
		return "–"
	}
	return fixed(a.value, 1, true) + "%"
}

// changeText shows a change in percent with its sign; "–" when null.
func changeText(a *Amount) string {
	if a == nil {
		return "–"
	}
	s := percentText(a)
	if a.value.Sign() > 0 {
		s = "+" + s
	}
	return s
}

// ratioText shows a ratio to 1 decimal.
func ratioText(a Amount) string {
	return fixed(a.value, 1, true)
}

// mdText makes text from the plan inert in GitHub-flavoured Markdown, in a paragraph or a
// table cell: control characters and line breaks become U+FFFD (clean); Markdown and HTML
// punctuation is backslash-escaped, so no emphasis, link or image ("[" and "]"), table cell,
// code span, raw HTML or entity starts; the colon of "://" and the dot of "www." become character references,
// so that GFM's extended autolinks do not start; "@" and "#" followed by a word get a WORD
// JOINER (U+2060) so that neither a mention, which would notify someone, nor an issue reference
// forms. The text reads the same.
func mdText(s string) string {
	s = clean(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		rest := s[i+1:]
		switch {
		case c == ':' && strings.HasPrefix(rest, "//"):
			b.WriteString("&#58;")
		case c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteString("&#46;")
		case (c == '@' || c == '#') && rest != "" && isWordByte(rest[0]):
			b.WriteByte('\\')
			b.WriteByte(c)
			b.WriteString("\u2060")
		case strings.IndexByte("\\`*_[]<>|~&", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}

// mdCode puts text from the plan in a code span, outside a table: nothing in it is a link, a
// mention or HTML. Its fence is longer than any run of backticks in it.
func mdCode(s string) string {
	s = clean(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// htmlText makes text inert inside an HTML element such as <summary>, where Markdown is not
// parsed but HTML is, and GitHub still turns "@name" into a mention.
func htmlText(s string) string {
	s = clean(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		if (c == '@' || c == '#') && i+1 < len(s) && isWordByte(s[i+1]) {
			b.WriteString("\u2060")
		}
	}
	return html.EscapeString(b.String())
}
