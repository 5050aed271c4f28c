// Package tfstate is the provider's fast wing: it answers Terraform's reads of some data
// sources itself, writing their state as msgpack, and passes every other call to the
// framework's protocol server. It knows Terraform, not Guance: a reader returns its state as a
// small tree of Values, which the wing writes byte for byte as terraform-plugin-go would
// marshal the same value, and which ToTerraform turns into a tftypes.Value for a framework
// Read.
//
// Why it exists. For 100k records the framework spends 15.5 s and 6.7 GB after a data
// source's Read returns, walking and copying every value of the state (null-block
// reification, semantic equality, copies), against 75 ms and 62 MB here (BENCHMARKS.md,
// BenchmarkFrameworkStateSet); a plan of 100k records could not finish in CI.
//
// What it mirrors. Server.ReadDataSource does what the framework's protocol server does for
// a read: unmarshal the configuration with the schema's type, call the reader, convert
// diagnostics, and recover a panic into an error diagnostic. The framework still serves the
// schemas, validation, configuration and every other call.
//
// How to remove it. Serve the framework's server alone (internal/provider/server.go registers
// the one reader on one line; the nofastpath build tag leaves it out, and CI runs the provider
// tests so), then delete this package.
package tfstate
