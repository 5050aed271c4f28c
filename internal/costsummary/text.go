package costsummary

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// clean makes text from the plan safe to print: control characters (a terminal escape
// sequence, a line break inside a table cell) and the bidirectional overrides that can make
// text read otherwise than it is stored become U+FFFD. Terraform has already turned bytes that
// are not UTF-8 into U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// displayName is a cleaned name cut to maxNameWidth columns, with … where it was cut.
func displayName(s string) string {
	s = clean(s)
	if columns(s) <= maxNameWidth {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := runeColumns(r)
		if used+w > maxNameWidth-1 {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + "…"
}

// columns is how many terminal columns s takes: East Asian wide and full-width characters
// take two, combining marks none.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

func runeColumns(r rune) int {
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b' {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// pad fills s with spaces to w columns, on the right, or on the left for numbers.
func pad(s string, w int, right bool) string {
	fill := strings.Repeat(" ", max(0, w-columns(s)))
	if right {
		return fill + s
	}
	return s + fill
}
