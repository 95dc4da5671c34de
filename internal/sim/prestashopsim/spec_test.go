package prestashopsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bokfor/bokfor/internal/specs"
)

// specPath is the field tables of the PrestaShop 8.x webservice, converted
// from PrestaShop/docs (see ../shared/reference/webshop-apis.md).
var specPath = specs.Path(specs.PrestaShop)

type specFile struct {
	Resources map[string]struct {
		Entities []struct {
			Fields []struct {
				Name     string `json:"name"`
				Format   string `json:"format"`
				Required bool   `json:"required"`
			} `json:"fields"`
		} `json:"entities"`
	} `json:"resources"`
}

// specFormats are the validators of classes/Validate.php the simulator's
// data must pass, written independently of the simulator's own checks.
func specFormats() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"isUnsignedId":       regexp.MustCompile(`^\d+$`),
		"isNullOrUnsignedId": regexp.MustCompile(`^\d*$`),
		"isUnsignedInt":      regexp.MustCompile(`^\d+$`),
		"isInt":              regexp.MustCompile(`^-?\d+$`),
		"isBool":             regexp.MustCompile(`^[01]$`),
		"isPrice":            regexp.MustCompile(`^\d{1,10}\.\d{6}$`),
		"isNegativePrice":    regexp.MustCompile(`^-?\d{1,10}\.\d{6}$`),
		"isFloat":            regexp.MustCompile(`^-?\d+(\.\d+)?$`),
		"isUnsignedFloat":    regexp.MustCompile(`^\d+(\.\d+)?$`),
		"isDate":             regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`),
		"isEmail":            regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]+$`),
		"isColor":            regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`),
		"isLanguageIsoCode":  regexp.MustCompile(`^[A-Za-z]{2,3}$`),
		"isReference":        regexp.MustCompile(`^[^<>;={}]*$`),
	}
}

// TestResourcesMatchSpec fills the shop (seed, orders, a refund, a custom
// state) and checks every object of every served resource against the field
// tables: no unknown fields, required fields present and non-empty, values
// in their validator's format.
func TestResourcesMatchSpec(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("spec not available: %v", err)
	}
	var spec specFile
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	res, err := s.PlaceOrder(testOrder(2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refund(res.ID, RefundRequest{Shipping: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	formats := specFormats()
	checked := 0
	for _, def := range s.defs {
		sr, ok := spec.Resources[def.name]
		if !ok || len(sr.Entities) == 0 {
			t.Errorf("%s: not in the spec", def.name)
			continue
		}
		fields := map[string]struct {
			format   string
			required bool
		}{}
		for _, f := range sr.Entities[0].Fields {
			fields[f.Name] = struct {
				format   string
				required bool
			}{f.Format, f.Required}
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/"+def.name+"?display=full&output_format=JSON&language=1", nil)
		req.SetBasicAuth(DefaultKey, "")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string][]map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Errorf("%s: %v", def.name, err)
			continue
		}
		objs := body[def.name]
		if len(objs) == 0 {
			t.Errorf("%s: no objects to check", def.name)
		}
		for _, o := range objs {
			for k, v := range o {
				if k == "id" || k == "associations" {
					continue
				}
				f, ok := fields[k]
				if !ok {
					t.Errorf("%s %v: field %q is not in the spec", def.name, o["id"], k)
					continue
				}
				sv, isStr := v.(string)
				if !isStr {
					t.Errorf("%s %v: %s is %T, want a string", def.name, o["id"], k, v)
					continue
				}
				if f.required && sv == "" {
					t.Errorf("%s %v: required %s is empty", def.name, o["id"], k)
				}
				if p := formats[f.format]; p != nil && sv != "" && sv != "0000-00-00 00:00:00" {
					checked++
					if !p.MatchString(sv) {
						t.Errorf("%s %v: %s = %q does not pass %s", def.name, o["id"], k, sv, f.format)
					}
				}
			}
			for name, f := range fields {
				if _, ok := o[name]; f.required && !ok && name != "associations" {
					t.Errorf("%s %v: required field %s missing", def.name, o["id"], name)
				}
			}
		}
	}
	if checked < checkedAtLeast {
		t.Errorf("only %d formatted values checked", checked)
	}
	t.Logf("%d formatted values checked", checked)
}

// checkedAtLeast guards against a vacuous pass.
const checkedAtLeast = 500

func testOrder(roundType int) PlaceOrder {
	var in PlaceOrder
	in.Customer.Email = "t@example.no"
	in.Customer.Firstname, in.Customer.Lastname = "Test", "Testesen"
	in.Address.Address1, in.Address.Postcode, in.Address.City = "Gate 1", "0150", "Oslo"
	in.Payment, in.Module, in.State, in.RoundType = "Vipps", "vipps", 2, roundType
	in.Lines = []PlaceOrderLine{
		{Reference: "SKU-NEW", Name: "Ny vare", Quantity: 2, UnitPriceTaxIncl: "199.00", TaxRate: "25"},
		{Reference: "SKU-KAFFE", Quantity: 1, UnitPriceTaxIncl: "89.90"},
	}
	in.Discounts = append(in.Discounts, struct {
		Name         string `json:"name"`
		ValueTaxIncl string `json:"value_tax_incl"`
	}{"Rabatt", "20.00"})
	return in
}

func TestSpecFieldOrderMatchesBlankXML(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("spec not available: %v", err)
	}
	var spec struct {
		Resources map[string]struct {
			BlankXML []string `json:"blank_xml"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	for _, def := range s.defs {
		blank := spec.Resources[def.name].BlankXML[0]
		ours := string(renderBlankXML(&def))
		for _, f := range def.fields {
			if f.readOnly {
				continue
			}
			if !strings.Contains(blank, "<"+f.name+">") || !strings.Contains(ours, "<"+f.name+">") {
				t.Errorf("%s: field %s not in both blank schemas", def.name, f.name)
			}
		}
	}
}
