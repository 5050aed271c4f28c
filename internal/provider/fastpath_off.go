//go:build nofastpath

package provider

// fastPath is off: every read goes through the framework (CI runs the provider tests so).
const fastPath = false
