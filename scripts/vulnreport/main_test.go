package main

import (
	"strings"
	"testing"
)

// A shortened govulncheck stream: one reachable dependency vulnerability, one reachable in the
// standard library, and one whose package is imported but whose functions are never called.
const stream = `{"config":{"go_version":"go1.26.8","scan_level":"symbol"}}
{"osv":{"id":"GO-2026-0001","summary":"Stream reset flood in google.golang.org/grpc"}}
{"osv":{"id":"GO-2026-0002","summary":"Header desync in net/http"}}
{"osv":{"id":"GO-2026-0003","summary":"Infinite loop in golang.org/x/text"}}
{"finding":{"osv":"GO-2026-0001","fixed_version":"v1.83.2","trace":[{"module":"google.golang.org/grpc","version":"v1.79.3"}]}}
{"finding":{"osv":"GO-2026-0001","fixed_version":"v1.83.2","trace":[{"module":"google.golang.org/grpc","version":"v1.79.3","package":"google.golang.org/grpc/internal/transport","function":"NewServerTransport"},{"module":"github.com/hashicorp/terraform-plugin-go","function":"Serve"}]}}
{"finding":{"osv":"GO-2026-0002","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"Transport.RoundTrip"}]}}
{"finding":{"osv":"GO-2026-0003","fixed_version":"v0.39.0","trace":[{"module":"golang.org/x/text","version":"v0.36.0","package":"golang.org/x/text/unicode/norm"}]}}
`

func TestReportFailsOnReachableDependencyVulnerabilities(t *testing.T) {
	var out strings.Builder
	failed, err := report(strings.NewReader(without(stream, "net/http")), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !failed {
		t.Error("a reachable vulnerability in grpc must fail the check")
	}
	for _, want := range []string{
		"Dependencies: 1 reachable vulnerabilities.",
		"GO-2026-0001  google.golang.org/grpc/internal/transport@v1.79.3, fixed in v1.83.2: Stream reset flood",
		"Standard library of go1.26.8: 0 reachable vulnerabilities.",
		"Not reachable from the provider's code: 1",
		"GO-2026-0003  golang.org/x/text/unicode/norm@v0.36.0, fixed in v0.39.0",
		"FAIL: upgrade the dependencies above",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "raise GOTOOLCHAIN") {
		t.Errorf("report blames the Go with no standard-library finding:\n%s", out.String())
	}
}

// The scan runs with the Go that builds releases, so what it finds in the standard library
// ships unless that Go is raised.
func TestReportFailsOnReachableStandardLibraryVulnerabilities(t *testing.T) {
	var out strings.Builder
	failed, err := report(strings.NewReader(without(stream, "google.golang.org/grpc")), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !failed {
		t.Error("a reachable vulnerability in net/http must fail the check")
	}
	for _, want := range []string{
		"Dependencies: 0 reachable vulnerabilities.",
		"Standard library of go1.26.8: 1 reachable vulnerabilities.",
		"GO-2026-0002  net/http@go1.26.8, fixed in go1.26.9: Header desync in net/http",
		"FAIL: releases are built with go1.26.8; raise GOTOOLCHAIN in .goreleaser.yml",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "upgrade the dependencies") {
		t.Errorf("report blames dependencies that have no finding:\n%s", out.String())
	}
}

// Vulnerable code that is linked in but never called is listed, and does not fail.
func TestReportPassesWithOnlyUnreachableFindings(t *testing.T) {
	var out strings.Builder
	failed, err := report(strings.NewReader(without(without(stream, "google.golang.org/grpc"), "net/http")), &out)
	if err != nil || failed {
		t.Fatalf("failed %t, err %v:\n%s", failed, err, out.String())
	}
	for _, want := range []string{
		"Dependencies: 0 reachable vulnerabilities.",
		"Standard library of go1.26.8: 0 reachable vulnerabilities.",
		"Not reachable from the provider's code: 1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "FAIL") {
		t.Errorf("report:\n%s", out.String())
	}
}

// without drops the stream's lines that mention s.
func without(stream, s string) string {
	var kept []string
	for _, line := range strings.Split(stream, "\n") {
		if !strings.Contains(line, s) {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

func TestReportRefusesInputThatIsNotGovulncheckJSON(t *testing.T) {
	for _, in := range []string{"", "Your code is affected by 3 vulnerabilities", `{"finding":{}}`} {
		if _, err := report(strings.NewReader(in), &strings.Builder{}); err == nil {
			t.Errorf("input %q: want an error", in)
		}
	}
}
