package costsummary

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The seed corpus is every golden plan of testdata/ and the findings kept in
// testdata/fuzz/FuzzSummaryOfPlanJSON/; make fuzz runs the target for a while to look for more.

// FuzzSummaryOfPlanJSON: whatever bytes claim to be a plan, Parse returns a summary or an
// error and never panics, and what reaches a terminal or a GitHub page is inert: valid UTF-8
// without control or bidirectional characters, Markdown whose code blocks, tables, HTML and
// Mermaid charts are only those the renderer writes, and the same output every time. It goes
// through Parse, the package's entry point, so that it holds however Parse reads the JSON.
func FuzzSummaryOfPlanJSON(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no golden plans to seed from: %v", err)
	}
	for _, seed := range seeds {
		plan, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(plan)
	}
	f.Fuzz(func(t *testing.T, plan []byte) {
		s, err := Parse(plan)
		if err != nil {
			if again, err2 := Parse(plan); again != nil || err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("refused as %q, then %v, %v", err, again, err2)
			}
			checkInert(t, "the error", err.Error())
			return
		}
		markdown, err := Markdown(s, Options{})
		if err != nil {
			t.Fatalf("a plan of %d bytes does not fit a comment even as its headline: %v", len(plan), err)
		}
		text := Text(s, Options{})
		// The Markdown is bounded by its limit; the text, by what it was given: each string and
		// amount of the plan is shown a few times at most, never expanded (an amount written as
		// 1e99999 would be a hundred thousand digits).
		if bound := 16*len(plan) + 64<<10; len(text) > bound {
			t.Fatalf("a plan of %d bytes gave a text summary of %d bytes, over %d", len(plan), len(text), bound)
		}
		s2, err := Parse(plan)
		if err != nil {
			t.Fatalf("the same plan parsed twice: %v", err)
		}
		if markdown2, err := Markdown(s2, Options{}); err != nil || markdown2 != markdown || Text(s2, Options{}) != text {
			t.Fatalf("the same plan summarised twice differs (%v)", err)
		}
		checkInert(t, "the text summary", text)
		checkInert(t, "the Markdown summary", markdown)
		checkMarkdownStructure(t, markdown)
	})
}

// checkInert fails on what would act in a terminal rather than show: invalid UTF-8, control
// characters but the newline, bidirectional controls.
func checkInert(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s is not valid UTF-8: %q", what, out)
	}
	for _, r := range out {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
			t.Fatalf("%s holds %U: %q", what, r, out)
		}
	}
}

// The lines the renderer writes in a Mermaid block, and nothing a plan can add to them.
var mermaidLine = regexp.MustCompile(`^(xychart-beta|` +
	`    x-axis "Day \(1 is \d{4}-\d{2}-\d{2}\)" 1 --> \d+|` +
	`    x-axis \["\d{4}-\d{2}"(, "\d{4}-\d{2}")*\]|` +
	`    y-axis "[^"]*"( -?\d+(\.\d+)? --> -?\d+(\.\d+)?)?|` +
	`    bar \[-?\d+(\.\d+)?(, -?\d+(\.\d+)?)*\])$`)

// The HTML the renderer writes: the hidden marker, a collapsed section's opening (its summary
// escaped) and closing, and the footer's <sub>.
var (
	sectionOpening = regexp.MustCompile(`^<details><summary>[^<>]*</summary>$`)
	footerLine     = regexp.MustCompile(`^<sub>.*</sub>$`)
)

// checkMarkdownStructure fails when a name from the plan could change the page's structure:
// a code block opened or closed, a table cell added, HTML other than the renderer's, or a
// Mermaid block with lines other than the renderer's.
func checkMarkdownStructure(t *testing.T, md string) {
	t.Helper()
	inMermaid, columns := false, 0
	for _, line := range strings.Split(md, "\n") {
		switch {
		case line == "```mermaid":
			if inMermaid {
				t.Fatalf("a Mermaid block opens inside another:\n%s", md)
			}
			inMermaid = true
			continue
		case line == "```":
			if !inMermaid {
				t.Fatalf("a code fence closes what was not opened:\n%s", md)
			}
			inMermaid = false
			continue
		case inMermaid:
			if !mermaidLine.MatchString(line) {
				t.Fatalf("Mermaid line %q is not one the renderer writes:\n%s", line, md)
			}
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line, " >-"), "```") || strings.HasPrefix(strings.TrimLeft(line, " >-"), "~~~") {
			t.Fatalf("line %q opens a code block:\n%s", line, md)
		}
		switch {
		case line == Marker, line == "</details>", sectionOpening.MatchString(line):
			continue
		case footerLine.MatchString(line):
			line = strings.TrimSuffix(strings.TrimPrefix(line, "<sub>"), "</sub>")
		}
		if unescaped(line, '<') > 0 {
			t.Fatalf("line %q holds HTML:\n%s", line, md)
		}
		switch {
		case strings.HasPrefix(line, "| Product |"), strings.HasPrefix(line, "| Budget or read |"):
			columns = unescaped(line, '|')
		case strings.HasPrefix(line, "|"):
			if n := unescaped(line, '|'); n != columns {
				t.Fatalf("table row %q has %d cell borders, its header %d:\n%s", line, n, columns, md)
			}
		}
	}
	if inMermaid {
		t.Fatalf("a Mermaid block is never closed:\n%s", md)
	}
}

// unescaped counts c in line where no backslash escapes it: after an even number of them.
func unescaped(line string, c byte) int {
	n, backslashes := 0, 0
	for i := range len(line) {
		switch {
		case line[i] == '\\':
			backslashes++
			continue
		case line[i] == c && backslashes%2 == 0:
			n++
		}
		backslashes = 0
	}
	return n
}
