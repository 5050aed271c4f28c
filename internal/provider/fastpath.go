//go:build !nofastpath

package provider

// fastPath registers the fast wing in newServer; -tags nofastpath builds without it.
const fastPath = true
