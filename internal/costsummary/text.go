package costsummary

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

var levelWord = map[level]string{levelNone: "-", levelOK: "OK", levelWarn: "WARNING", levelBlock: "BLOCKED"}

// statusCell is a row's level in capitals and its own word, each said once: "BLOCKED", not
// "BLOCKED blocked"; "OK within budget".
func statusCell(r row) string {
	word := levelWord[r.Level]
	if strings.EqualFold(word, r.Status) {
		return word
	}
	return word + " " + r.Status
}

// Text renders the summary for a terminal, with the same content as Markdown and the trend as a
// sparkline. Every string from the plan is cleaned of control characters first.
func Text(s *Summary, opts Options) string {
	v := buildView(s, opts)
	var b strings.Builder
	fmt.Fprintf(&b, "Guance billing: %s: %s\n", levelWord[v.Level], clean(v.Headline))
	if v.Note != "" {
		fmt.Fprintf(&b, "%s\n", clean(v.Note))
	}
	if len(v.Rows) > 0 {
		table := [][]string{{"Budget or read", "Period", "Spent", "Forecast", "Budget", "Used", "Change", "Status"}}
		for _, r := range v.Rows {
			table = append(table, []string{r.Name, r.Period, r.Spent, r.Forecast, r.Budget, r.Used, r.Change, statusCell(r)})
		}
		b.WriteString("\n")
		writeTable(&b, table, []bool{false, false, true, true, true, true, true, false})
	}
	if len(v.Findings) > 0 {
		b.WriteString("\n")
		for _, f := range v.Findings {
			fmt.Fprintf(&b, "  %s %s: %s\n", levelWord[f.Level], clean(f.Address), clean(f.Message))
		}
	}
	for _, t := range v.Products {
		fmt.Fprintf(&b, "\nProducts of %s\n", clean(t.Address))
		if t.NothingBilled {
			b.WriteString("  No product was billed in this period.\n")
			continue
		}
		table := [][]string{{"Product", t.AmountHeading, "Share"}}
		right := []bool{false, true, true}
		if t.WithBudget {
			table[0] = append(table[0], "Budget", "Used", "Status")
			right = append(right, true, true, false)
		}
		for _, p := range t.Rows {
			line := []string{p.Name, p.Amount, p.Share}
			if t.WithBudget {
				line = append(line, cmpDash(p.Budget), cmpDash(p.Used), p.Status)
			}
			table = append(table, line)
		}
		writeTable(&b, table, right)
		if t.More != "" {
			fmt.Fprintf(&b, "  %s.\n", t.More)
		}
	}
	for _, c := range v.Charts {
		fmt.Fprintf(&b, "\n%s\n", cmpSuffix(c.Title)+c.Title)
		if c.Spark != "" {
			fmt.Fprintf(&b, "  %s\n", c.Spark)
		}
		fmt.Fprintf(&b, "  %s", clean(c.Note))
		if len(c.Reads) > 0 {
			fmt.Fprintf(&b, "; read by %s", clean(strings.Join(c.Reads, ", ")))
		}
		b.WriteString(".\n")
	}
	if len(v.Balances) > 0 {
		b.WriteString("\nBalance\n")
		for _, bal := range v.Balances {
			fmt.Fprintf(&b, "  %s%s, read by %s\n", bal.Value, floorText(bal.Floor), clean(strings.Join(bal.Reads, ", ")))
		}
	}
	if len(v.Methods) > 0 {
		b.WriteString("\nHow the figures were made\n")
		for _, m := range v.Methods {
			fmt.Fprintf(&b, "  %s: %s\n", clean(m.Label), clean(m.Value))
		}
	}
	fmt.Fprintf(&b, "\n%s\n", v.Footer)
	return b.String()
}

// writeTable writes cleaned cells in columns, numbers aligned on the right.
func writeTable(b *strings.Builder, table [][]string, right []bool) {
	widths := make([]int, len(table[0]))
	for _, line := range table {
		for i, cell := range line {
			widths[i] = max(widths[i], columns(clean(cell)))
		}
	}
	for _, line := range table {
		var l strings.Builder
		l.WriteString(" ")
		for i, cell := range line {
			l.WriteString(" " + pad(clean(cell), widths[i], right[i]))
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
}

// cleanMessage keeps a condition's message on one line and safe to print.
func cleanMessage(s string) string {
	return clean(strings.Join(strings.Fields(s), " "))
}

// clean makes text from the plan safe to print: control characters (a terminal escape
// sequence, a line break inside a table cell) and the bidirectional overrides that can make
// text read otherwise than it is stored become U+FFFD. Terraform has already turned bytes that
// are not UTF-8 into U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
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
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b' || r == '\u2060' {
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
