// Command vulnreport reads govulncheck's JSON stream on standard input and sorts what it found
// into dependencies and the Go standard library. It exits 1 when a vulnerability reachable
// from the provider's code is in either: scripts/vulncheck.sh scans with the Go that builds
// releases, so a standard-library finding is one that would ship.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// message is one value of govulncheck's JSON stream; each holds one of these fields.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
	} `json:"config"`
	OSV     *struct{ ID, Summary string } `json:"osv"`
	Finding *finding                      `json:"finding"`
}

type finding struct {
	OSV          string  `json:"osv"`
	FixedVersion string  `json:"fixed_version"`
	Trace        []frame `json:"trace"`
}

// frame is a step of a finding's trace; the first one is the vulnerable symbol, package or
// module, as precisely as govulncheck could place it.
type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
}

// vuln is what the report says about one vulnerability in one module.
type vuln struct {
	id, module, version, fixed string
	packages                   map[string]bool
	reachable                  bool // a vulnerable function is called, not merely linked in
}

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "vulnreport:", err)
		os.Exit(2)
	case failed:
		os.Exit(1)
	}
}

// report writes what the scan found and whether it fails the check.
func report(in io.Reader, out io.Writer) (failed bool, err error) {
	goVersion, vulns, summaries, err := read(in)
	if err != nil {
		return false, err
	}
	var deps, stdlib, unreachable []*vuln
	for _, v := range vulns {
		switch {
		case !v.reachable:
			unreachable = append(unreachable, v)
		case v.module == "stdlib":
			stdlib = append(stdlib, v)
		default:
			deps = append(deps, v)
		}
	}
	fmt.Fprintf(out, "Dependencies: %d reachable vulnerabilities.\n", len(deps))
	list(out, deps, summaries)
	fmt.Fprintf(out, "Standard library of %s: %d reachable vulnerabilities.\n", goVersion, len(stdlib))
	list(out, stdlib, summaries)
	fmt.Fprintf(out, "Not reachable from the provider's code: %d (imported or required, vulnerable functions never called).\n", len(unreachable))
	list(out, unreachable, summaries)
	if len(deps) > 0 {
		fmt.Fprintln(out, "FAIL: upgrade the dependencies above to their fixed versions.")
	}
	if len(stdlib) > 0 {
		fmt.Fprintf(out, "FAIL: releases are built with %s; raise GOTOOLCHAIN in .goreleaser.yml to a Go with the fixes above.\n", goVersion)
	}
	return len(deps) > 0 || len(stdlib) > 0, nil
}

// read collects the findings per vulnerability and module.
func read(r io.Reader) (goVersion string, vulns []*vuln, summaries map[string]string, err error) {
	dec := json.NewDecoder(r)
	byKey := map[string]*vuln{}
	summaries = map[string]string{}
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", nil, nil, fmt.Errorf("reading govulncheck's JSON: %w", err)
		}
		switch {
		case m.Config != nil:
			goVersion = m.Config.GoVersion
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			top := m.Finding.Trace[0]
			key := m.Finding.OSV + " " + top.Module
			v := byKey[key]
			if v == nil {
				v = &vuln{id: m.Finding.OSV, module: top.Module, version: top.Version, fixed: m.Finding.FixedVersion, packages: map[string]bool{}}
				if v.module == "stdlib" { // govulncheck writes Go's versions as v1.26.8
					v.version, v.fixed = goRelease(v.version), goRelease(v.fixed)
				}
				byKey[key] = v
				vulns = append(vulns, v)
			}
			if top.Package != "" {
				v.packages[top.Package] = true
			}
			v.reachable = v.reachable || top.Function != ""
		}
	}
	if goVersion == "" {
		return "", nil, nil, errors.New("no govulncheck config message: is the input govulncheck -format json?")
	}
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].id < vulns[j].id })
	return goVersion, vulns, summaries, nil
}

func goRelease(semver string) string {
	if semver == "" {
		return ""
	}
	return "go" + strings.TrimPrefix(semver, "v")
}

func list(out io.Writer, vulns []*vuln, summaries map[string]string) {
	for _, v := range vulns {
		where := v.module
		if len(v.packages) > 0 {
			pkgs := make([]string, 0, len(v.packages))
			for p := range v.packages {
				pkgs = append(pkgs, p)
			}
			sort.Strings(pkgs)
			where = strings.Join(pkgs, ", ")
		}
		fixed := "no fix yet"
		if v.fixed != "" {
			fixed = "fixed in " + v.fixed
		}
		fmt.Fprintf(out, "  %s  %s@%s, %s: %s\n", v.id, where, v.version, fixed, summaries[v.id])
	}
}
