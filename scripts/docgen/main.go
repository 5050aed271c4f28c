// Command docgen writes the parts of the documentation that come from the code, so that they
// cannot drift from it. In each file it is given, it replaces what stands between
//
//	<!-- BEGIN GENERATED name: make docs -->
//	<!-- END GENERATED name -->
//
// with the section of that name. `make docs` runs it before tfplugindocs, and `make
// docs-check` fails when the result differs from what is committed.
package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// sections are the generated parts, by name.
var sections = map[string]func() string{
	"sites":           sitesTable,
	"troubleshooting": troubleshootingTable,
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(files []string) error {
	if len(files) == 0 {
		return errors.New("usage: docgen file [file ...]")
	}
	used := map[string]bool{}
	for _, name := range files {
		text, err := os.ReadFile(name) //nolint:gosec // the files make docs names
		if err != nil {
			return err
		}
		out, err := fill(string(text), used)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if out != string(text) {
			if err := os.WriteFile(name, []byte(out), 0o644); err != nil { //nolint:gosec // documentation, world-readable like the rest of the repository
				return err
			}
		}
	}
	for name := range sections {
		if !used[name] {
			return fmt.Errorf("no file has the section %q; its markers were removed", name)
		}
	}
	return nil
}

var marker = regexp.MustCompile(`(?s)(<!-- BEGIN GENERATED ([a-z-]+): make docs -->\n)(.*?)(<!-- END GENERATED ([a-z-]+) -->)`)

// fill replaces each marked section of text with its generated content.
func fill(text string, used map[string]bool) (string, error) {
	var err error
	out := marker.ReplaceAllStringFunc(text, func(m string) string {
		parts := marker.FindStringSubmatch(m)
		name, endName := parts[2], parts[5]
		generate, ok := sections[name]
		switch {
		case err != nil:
			return m
		case name != endName:
			err = fmt.Errorf("section %q ends with the marker of %q", name, endName)
			return m
		case !ok:
			err = fmt.Errorf("unknown section %q", name)
			return m
		}
		used[name] = true
		return parts[1] + generate() + parts[4]
	})
	if err == nil && strings.Count(text, "<!-- BEGIN GENERATED") != len(marker.FindAllString(text, -1)) {
		err = errors.New("a BEGIN GENERATED marker has no matching END GENERATED marker")
	}
	return out, err
}

// sitesTable lists every public site: how to choose it, its URL, and what is known of the day
// and currency it bills by.
func sitesTable() string {
	var b strings.Builder
	b.WriteString("| `region` | site code | site | OpenAPI base URL | billing day | currency |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, s := range guance.Sites {
		title := s.Title
		if s.Name == guance.DefaultRegion {
			title += ", the default"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | <%s> | %s | %s |\n",
			s.Name, s.Code, title, s.BaseURL, assumed(s.BillingZone, "`"), assumed(s.Currency, ""))
	}
	return b.String()
}

// assumed writes a believed value as an assumption, and a missing one as unknown.
func assumed(value, quote string) string {
	if value == "" {
		return "unknown"
	}
	return quote + value + quote + " (assumed)"
}
