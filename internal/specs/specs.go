// Package specs holds copies of the external API specifications bokfor's
// clients and simulators are held to in contract tests: the official Fiken
// API v2 OpenAPI, PowerOffice Go v2 (merged per-area specs and the token
// endpoint), WooCommerce REST v3 (unofficial) and the PrestaShop 8.x
// webservice resource tables. They are copied verbatim from the project's
// shared specifications (see README there for provenance and checksums) so
// that tests run from any clone.
package specs

import (
	"path/filepath"
	"runtime"
)

// Spec file names.
const (
	Fiken           = "fiken-openapi.yaml"
	PowerOffice     = "poweroffice-go-v2-openapi.yaml"
	PowerOfficeAuth = "poweroffice-go-v2-auth-openapi.json"
	WooCommerce     = "woocommerce-rest-v3-openapi.yml"
	PrestaShop      = "prestashop-webservice-8x-resources.json"
)

// Path returns the absolute path of a spec file in this package's
// directory.
func Path(name string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return name
	}
	return filepath.Join(filepath.Dir(file), name)
}
