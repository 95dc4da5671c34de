package tenant

import _ "embed"

//go:embed example.yaml
var exampleYAML []byte

// ExampleYAML returns the documented example tenant, used for the README,
// `bokfor tenant example` and the demo tenant of `bokfor dev`.
func ExampleYAML() []byte { return append([]byte(nil), exampleYAML...) }

//go:embed example-poweroffice.yaml
var examplePowerOfficeYAML []byte

// ExamplePowerOfficeYAML returns the documented example tenant on
// PowerOffice Go, used by `bokfor tenant example --ledger poweroffice` and
// the second demo tenant of `bokfor dev`.
func ExamplePowerOfficeYAML() []byte { return append([]byte(nil), examplePowerOfficeYAML...) }
