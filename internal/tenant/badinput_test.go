package tenant

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// badTenant is one entry of testdata/badinput/tenants.yaml.
type badTenant struct {
	Name    string      `yaml:"name"`
	YAML    *string     `yaml:"yaml"`
	Replace [][2]string `yaml:"replace"`
	Append  string      `yaml:"append"`
	Want    []string    `yaml:"want"`
}

// input returns the entry's tenant file.
func (c badTenant) input(t *testing.T) []byte {
	t.Helper()
	if c.YAML != nil {
		return []byte(*c.YAML)
	}
	s := string(ExampleYAML())
	for _, r := range c.Replace {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("%s: %q does not occur in example.yaml", c.Name, r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return []byte(s + c.Append)
}

// TestBadTenantSettings runs every entry of testdata/badinput/tenants.yaml
// through Parse, the gate of `bokfor tenant add` and `tenant update`: each
// must be refused, naming what is wrong.
func TestBadTenantSettings(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/badinput/tenants.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Cases []badTenant `yaml:"cases"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Cases) < 40 {
		t.Fatalf("corpus has %d cases", len(corpus.Cases))
	}
	for _, c := range corpus.Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if len(c.Want) == 0 {
				t.Fatal("entry has no expected phrase")
			}
			tn, err := Parse(c.input(t))
			if err == nil {
				t.Fatalf("accepted: %+v", tn.Settings)
			}
			if len(err.Error()) > 16<<10 {
				t.Errorf("error of %d bytes: an operator cannot read that", len(err.Error()))
			}
			for _, w := range c.Want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// Settings problems come as one ValidationError listing each.
			var ve *ValidationError
			if errors.As(err, &ve) && len(ve.Problems) < len(c.Want) {
				t.Errorf("%d problems listed, want at least %d: %v", len(ve.Problems), len(c.Want), ve.Problems)
			}
		})
	}
}

// FuzzParse feeds arbitrary files to Parse: no panic; a refusal is an
// error with text; an accepted tenant validates, and its printed form
// (secrets hidden) parses back to the same settings.
func FuzzParse(f *testing.F) {
	f.Add(ExampleYAML())
	f.Add(ExamplePowerOfficeYAML())
	for _, s := range []string{
		"", "id: demo\n", "- a\n", "id: demo\nsettings:\n\tshop: x\n", "id: &a demo\nname: *a\n",
		"id: demo\nsettings: {vat: [{rate: '25', vat_type: HIGH, income_account: '3000'}]}\n",
		"---\nid: a\n---\nid: b\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tn, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if err := tn.Validate(); err != nil {
			t.Fatalf("accepted tenant does not validate: %v", err)
		}
		out, err := tn.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("printed tenant does not parse back: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back.Settings, tn.Settings) || back.ID != tn.ID {
			t.Fatalf("settings changed in the round trip:\n%+v\n%+v", tn.Settings, back.Settings)
		}
	})
}
