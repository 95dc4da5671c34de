package tenant

import _ "embed"

//go:embed example.yaml
var exampleYAML []byte

// ExampleYAML returns the documented example tenant, used for the README,
// `bokfor tenant example` and the demo tenant of `bokfor dev`.
func ExampleYAML() []byte { return append([]byte(nil), exampleYAML...) }
