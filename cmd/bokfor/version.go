package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/store"
)

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and schema version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			version, commit := "devel", "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
					version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						commit = s.Value
					}
				}
			}
			printf(e.stdout, "bokfor %s (commit %s, schema %d)\n", version, commit, store.LatestVersion())
			return nil
		},
	}
}
