// Package deploy holds the container build and the production-like compose
// stack. No container engine runs where bokfor is developed, so this test
// validates what can be checked without one: the compose file parses, every
// bokfor service runs a real subcommand with the settings it requires, and
// the search attributes registered match the ones the workflows use.
package deploy

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bokfor/bokfor/workflows"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   any               `yaml:"depends_on"`
	} `yaml:"services"`
}

func TestComposeStack(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml does not parse: %v", err)
	}
	for _, name := range []string{"postgres", "temporal", "temporal-ui", "migrate", "worker", "starter"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	subcommands := map[string]string{"migrate": "migrate", "worker": "worker", "starter": "starter"}
	for svc, sub := range subcommands {
		s := c.Services[svc]
		if len(s.Command) == 0 || s.Command[0] != sub {
			t.Errorf("service %s runs %v, want bokfor %s", svc, s.Command, sub)
		}
		for _, k := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "BOKFOR_SECRET_KEY"} {
			if s.Environment[k] == "" {
				t.Errorf("service %s lacks %s", svc, k)
			}
		}
		if s.DependsOn == nil {
			t.Errorf("service %s starts without waiting for its dependencies", svc)
		}
	}
	for _, a := range workflows.SearchAttributes() {
		if !strings.Contains(string(raw), a.Name+"=") {
			t.Errorf("compose does not register search attribute %s", a.Name)
		}
	}
}

func TestDockerfileBuildsTheBinary(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go build", "./cmd/bokfor", "ENTRYPOINT", "nonroot"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
