// Command normalise rewrites the output of `terraform show -json` as a plan fixture of the cost
// summary, the same for every run of the same plan: indented, object members sorted, numbers kept
// as Terraform wrote them, the lists Terraform writes in no set order (checks,
// relevant_attributes) sorted, and the plan's timestamp fixed.
//
//	go run ./scripts/summary-fixtures/normalise < plan.json > fixture.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

func main() {
	if err := normalise(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "normalise:", err)
		os.Exit(1)
	}
}

func normalise(r io.Reader, w io.Writer) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	if _, ok := doc["timestamp"]; ok {
		doc["timestamp"] = "2024-03-16T00:00:00Z"
	}
	for _, name := range []string{"checks", "relevant_attributes"} {
		list, ok := doc[name].([]any)
		if !ok {
			continue
		}
		slices.SortStableFunc(list, func(a, b any) int {
			ta, _ := json.Marshal(a)
			tb, _ := json.Marshal(b)
			return bytes.Compare(ta, tb)
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
